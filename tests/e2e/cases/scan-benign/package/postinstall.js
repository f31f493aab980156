console.log('Thank you for installing scan-benign-fixture! Docs: https://example.com/docs');
