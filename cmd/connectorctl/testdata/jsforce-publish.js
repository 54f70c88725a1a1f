// The jsforce way to publish a ZIP as a StaticResource: query for the Id,
// then update (or create). Used by bench_process_test.go (build tag
// jsforcebench) to time a whole jsforce process against connectorctl.
//
//	node jsforce-publish.js INSTANCE_URL ACCESS_TOKEN ZIP NAME
const fs = require('fs');
const jsforce = require('jsforce');

const [, , instanceUrl, accessToken, zipPath, name] = process.argv;

(async () => {
  const conn = new jsforce.Connection({ instanceUrl, accessToken, version: '63.0' });
  const body = fs.readFileSync(zipPath).toString('base64');
  const res = await conn.query(`SELECT Id FROM StaticResource WHERE Name = '${name}'`);
  if (res.records.length > 0) {
    await conn.sobject('StaticResource').update({ Id: res.records[0].Id, Body: body });
  } else {
    await conn.sobject('StaticResource').create({ Name: name, ContentType: 'application/zip', CacheControl: 'Private', Body: body });
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
