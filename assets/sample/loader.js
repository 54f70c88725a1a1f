/* Connectors demo content: a tiny self-hosted guidance player loaded from a
 * Salesforce Static Resource with loadScript(this, resourceUrl + '/loader.js'). */
(function () {
  'use strict';
  var base = (document.currentScript && document.currentScript.src || '').replace(/\/loader\.js.*$/, '');
  function load(path, done) {
    var xhr = new XMLHttpRequest();
    xhr.open('GET', base + '/' + path);
    xhr.onload = function () { done(JSON.parse(xhr.responseText)); };
    xhr.send();
  }
  load('content/guides.json', function (guides) {
    window.ConnectorsDemo = { guides: guides, version: guides.version };
    console.log('[Connectors demo] ' + guides.items.length + ' guides ready');
  });
})();
