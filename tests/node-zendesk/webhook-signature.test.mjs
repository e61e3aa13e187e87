// Webhook signatures checked by code nobody here wrote the verifier for: Node's own crypto, applied as Zendesk's
// "Verifying webhook authenticity" page describes it (base64(HMAC-SHA256(secret as UTF-8, TIMESTAMP + BODY)), RFC 3339
// timestamp header). It checks the vendored vectors, Zendesk's own worked example (which contradicts the formula
// above it: it verifies only as BODY + TIMESTAMP), and what the sandbox really sends to a webhook endpoint.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { startSandbox } from './sandbox.mjs';

const require = createRequire(import.meta.url);
const zendesk = require('node-zendesk');
const here = dirname(fileURLToPath(import.meta.url));
const payloads = JSON.parse(readFileSync(join(here, '..', 'specs', 'zendesk-sample-payloads.json'), 'utf8'));
const signing = payloads.webhook_signing;

/** The documented formula, in Node's crypto. */
const sign = (secret, message) => createHmac('sha256', Buffer.from(secret, 'utf8')).update(message).digest('base64');

describe('vendored vectors', () => {
  for (const sample of payloads.webhook_samples) {
    test(`${sample.name}: the signature is base64(HMAC-SHA256(timestamp + raw body))`, () => {
      const headers = sample.headers;
      const timestamp = headers['X-Zendesk-Webhook-Signature-Timestamp'];
      assert.match(timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, 'RFC 3339 timestamp, not epoch seconds');
      assert.equal(sign(signing.test_secret_used_below, Buffer.concat([Buffer.from(timestamp, 'utf8'), Buffer.from(sample.raw_body, 'utf8')])), headers['X-Zendesk-Webhook-Signature']);
    });
  }

  test("Zendesk's own worked example verifies only in the order BODY + TIMESTAMP (the documentation contradicts itself)", () => {
    const v = signing.doc_discrepancy_vector;
    assert.equal(sign(v.secret, v.body + v.timestamp), v.signature_in_doc);
    assert.notEqual(sign(v.secret, v.timestamp + v.body), v.signature_in_doc);
    assert.equal(sign(v.secret, v.timestamp + v.body), v.signature_timestamp_plus_body);
  });
});

describe('what the sandbox sends', () => {
  let sandbox;
  let server;
  const received = [];

  before(async () => {
    sandbox = await startSandbox();
    server = createServer((req, res) => {
      const chunks = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(200).end();
      });
    });
    await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    await new Promise(resolve => server?.close(resolve) ?? resolve());
    await sandbox?.stop();
  });

  test('an organization created through the API is announced with a signature the documented formula verifies', async () => {
    const secret = 'a-webhook-signing-secret-' + Date.now().toString(36);
    await sandbox.control('PUT', 'zendesk/demo/webhook', { url: `http://127.0.0.1:${server.address().port}/webhook`, secret });
    const client = zendesk.createClient({ username: 'admin@demo.example', token: 'demo-zendesk-api-token', endpointUri: sandbox.zendesk });
    const name = `Signed ${Date.now().toString(36)}`;
    await client.organizations.create({ organization: { name } });

    const deadline = Date.now() + 15_000;
    let delivery;
    while (!(delivery = received.find(r => r.body.toString('utf8').includes(name))) && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 100));
    }

    assert.ok(delivery, 'the webhook arrived');
    const timestamp = delivery.headers['x-zendesk-webhook-signature-timestamp'];
    assert.match(timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.equal(delivery.headers['user-agent'], 'Zendesk Webhook');
    assert.ok(delivery.headers['x-zendesk-webhook-id']);
    assert.equal(delivery.headers['x-zendesk-webhook-signature'], sign(secret, Buffer.concat([Buffer.from(timestamp, 'utf8'), delivery.body])));
    const event = JSON.parse(delivery.body.toString('utf8'));
    assert.equal(event.type, 'zen:event-type:organization.created');
    assert.equal(typeof event.detail.id, 'string', 'ids in detail are strings');
  });
});
