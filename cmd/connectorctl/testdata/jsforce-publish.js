// The jsforce way to publish a ZIP as a StaticResource: query for the Id,
// then update (or create). Used by bench_process_test.go (build tag
// jsforcebench) to time jsforce against a whole connectorctl process.
//
//	node jsforce-publish.js INSTANCE_URL ACCESS_TOKEN ZIP NAME
//
// It prints one line, "inproc_ns=<N> require_ns=<M>": N is the publish
// itself as timed inside node (read the ZIP, query, update), without
// node's start-up and without loading jsforce, which takes M.
const t0 = process.hrtime.bigint();
const fs = require('fs');
const jsforce = require('jsforce');

const [, , instanceUrl, accessToken, zipPath, name] = process.argv;

(async () => {
  const t1 = process.hrtime.bigint();
  const conn = new jsforce.Connection({ instanceUrl, accessToken, version: '63.0' });
  const body = fs.readFileSync(zipPath).toString('base64');
  const res = await conn.query(`SELECT Id FROM StaticResource WHERE Name = '${name}'`);
  if (res.records.length > 0) {
    await conn.sobject('StaticResource').update({ Id: res.records[0].Id, Body: body });
  } else {
    await conn.sobject('StaticResource').create({ Name: name, ContentType: 'application/zip', CacheControl: 'Private', Body: body });
  }
  const t2 = process.hrtime.bigint();
  console.log(`inproc_ns=${t2 - t1} require_ns=${t1 - t0}`);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
