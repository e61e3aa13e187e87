// node-zendesk (npm, 6.0.1) against the sandbox's Zendesk: the operations the connector performs, through a client
// that nobody here wrote. Where node-zendesk itself is wrong, the test works around it (noted inline); the sandbox
// answers as Zendesk does.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startSandbox } from './sandbox.mjs';

const require = createRequire(import.meta.url);
const zendesk = require('node-zendesk');

let sandbox;
let basic;

before(async () => {
  sandbox = await startSandbox();
  basic = zendesk.createClient({ username: 'admin@demo.example', token: 'demo-zendesk-api-token', endpointUri: sandbox.zendesk });
});

after(async () => {
  await sandbox?.stop();
});

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;

/** Waits for a job with node-zendesk's own watcher (polls job_statuses/{id}); takes a bulk call's result. */
async function watch(answer) {
  const job = answer.job_status; // node-zendesk unwraps only its resource's own key, so the envelope stays

  assert.ok(job.id, 'the bulk call answers a job_status with an id');
  const done = await basic.jobstatuses.watch(job.id, 250, 5);
  assert.equal(done.status, 'completed');
  return done;
}

describe('organizations', () => {
  test('create_many runs as a job whose results name each record by index; show_many and search by external_id find them', async () => {
    const tag = unique();
    const { result: job } = await basic.organizations.createMany({
      organizations: [
        { name: `Acme ${tag}`, external_id: `C-${tag}-1` },
        { name: `Beta ${tag}`, external_id: `C-${tag}-2` },
      ],
    });
    const done = await watch(job);
    assert.deepEqual(done.results.map(r => r.index), [0, 1]);

    // getAll answers one entry per page: flatten.
    const shown = (await basic.organizations.showManyByExternalIds(`C-${tag}-1,C-${tag}-2`)).flat();
    assert.deepEqual(shown.map(o => o.external_id).sort(), [`C-${tag}-1`, `C-${tag}-2`]);
    assert.deepEqual(shown.map(o => o.id).sort(), done.results.map(r => r.id).sort());

    const found = (await basic.organizations.search(`c-${tag}-2`)).flat(); // external_id matches case-insensitively
    assert.equal(found.length, 1);
    assert.equal(found[0].name, `Beta ${tag}`);
  });

  test('a duplicate name in create_many fails that item with the FailedResult fields, whose id names no record', async () => {
    const tag = unique();
    await basic.organizations.create({ organization: { name: `Taken ${tag}` } });
    const { result: job } = await basic.organizations.createMany({
      organizations: [{ name: `Fresh ${tag}` }, { name: `Taken ${tag}` }],
    });
    const done = await watch(job);
    const failure = done.results[1];
    assert.equal(failure.success, false);
    assert.equal(failure.error, 'DuplicateValue');
    assert.equal(typeof failure.details, 'string');
    assert.equal(typeof failure.action, 'string');
    await assert.rejects(basic.organizations.show(failure.id), /404|not found/i);
  });

  test('update_many in the batch form reports Updated per record', async () => {
    const tag = unique();
    const { result: created } = await basic.organizations.create({ organization: { name: `Upd ${tag}`, external_id: `U-${tag}` } });
    const { result: job } = await basic.organizations.updateMany({ organizations: [{ id: created.id, notes: 'from node-zendesk' }] });
    const done = await watch(job);
    assert.deepEqual(done.results, [{ id: created.id, action: 'update', success: true, status: 'Updated' }]);
    const { result: after } = await basic.organizations.show(created.id);
    assert.equal(after.notes, 'from node-zendesk');
  });

  test('cursor listing follows links.next until meta.has_more is false', async () => {
    // node-zendesk's getAll follows links.next (or next_page); the connector asks for page[size].
    const pages = await basic.organizations.getAll(['organizations', { 'page[size]': 7 }]);
    const all = pages.flat();
    assert.ok(pages.length > 2, `expected several pages, got ${pages.length}`);
    assert.equal(new Set(all.map(o => o.id)).size, all.length, 'no organization twice');
  });
});

describe('users', () => {
  test('create_or_update_many answers the live result shape: {id, status, email} in request order, no index', async () => {
    const tag = unique();
    const { result: existing } = await basic.users.create({ user: { name: 'Old Name', email: `old.${tag}@example.com`, external_id: `P-${tag}-0` } });
    const { result: job } = await basic.users.createOrUpdateMany({
      users: [
        { name: 'New Person', email: `new.${tag}@example.com`, external_id: `P-${tag}-1` },
        { name: 'Broken', email: 'not an email', external_id: `P-${tag}-2` },
        { name: 'Renamed', external_id: `P-${tag}-0` },
      ],
    });
    const done = await watch(job);
    assert.equal(done.results.length, 3);
    assert.ok(done.results.every(r => !('index' in r)));
    assert.deepEqual([done.results[0].status, done.results[0].email], ['Created', `new.${tag}@example.com`]);
    assert.equal(done.results[1].status, 'Failed');
    assert.equal(typeof done.results[1].error, 'string');
    assert.deepEqual([done.results[2].status, done.results[2].id], ['Updated', existing.id]);
  });

  test('show_many and search by external_id, identities: add, list, make primary', async () => {
    const tag = unique();
    const { result: user } = await basic.users.create({ user: { name: 'Ida Identity', email: `ida.${tag}@example.com`, external_id: `E-${tag}` } });

    // node-zendesk's users.showMany only takes ids; the connector asks by external_ids through the same route.
    const { result: shown } = await basic.users.get(['users', 'show_many', { external_ids: `E-${tag}` }]);
    assert.deepEqual(shown.map(u => u.id), [user.id]);
    const searched = (await basic.users.search({ external_id: `E-${tag}` })).flat();
    assert.deepEqual(searched.map(u => u.id), [user.id]);

    const { result: identity } = await basic.useridentities.create(user.id, { type: 'email', value: `ida.new.${tag}@example.com` });
    assert.equal(identity.primary, false);
    const listed = (await basic.useridentities.list(user.id)).flat();
    assert.deepEqual(listed.map(i => i.value).sort(), [`ida.${tag}@example.com`, `ida.new.${tag}@example.com`]);
    await basic.useridentities.makePrimary(user.id, identity.id);
    const { result: after } = await basic.users.show(user.id);
    assert.equal(after.email, `ida.new.${tag}@example.com`);
  });
});

describe('tickets', () => {
  test('the cursor ticket export pages by after_cursor until end_of_stream', async () => {
    // node-zendesk's exportCursor(startTime, cursor) sends both parameters; the connector sends one or the other,
    // so the test asks through the same route with one parameter each time.
    // The tickets client would unwrap the "tickets" array and drop the cursors: read through ticketexport.
    const first = (await basic.ticketexport.get(['incremental', 'tickets', 'cursor', { start_time: 1 }])).result;
    assert.ok(Array.isArray(first.tickets));
    assert.ok(first.tickets.length > 0, 'the demo account has tickets');
    let page = first;
    let seen = first.tickets.length;
    while (!page.end_of_stream) {
      page = (await basic.ticketexport.get(['incremental', 'tickets', 'cursor', { cursor: page.after_cursor }])).result;
      seen += page.tickets.length;
    }

    assert.ok(seen >= first.tickets.length);
    assert.equal(typeof page.after_cursor, 'string', 'the last page keeps a cursor to poll later');
  });
});

describe('oauth', () => {
  test('a bearer token from client_credentials reads and writes like the API token', async () => {
    const response = await fetch(`${sandbox.base}/zendesk/demo/oauth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: 'acumatica_connector_demo', client_secret: 'demo-zendesk-secret', scope: 'read write' }),
    });
    assert.equal(response.status, 201); // the OAS's only answer of POST /oauth/tokens
    const { access_token: token, token_type: type } = await response.json();
    assert.equal(type.toLowerCase(), 'bearer');

    const oauth = zendesk.createClient({ token, oauth: true, endpointUri: sandbox.zendesk });
    const { result: organization } = await oauth.organizations.create({ organization: { name: `OAuth ${unique()}` } });
    assert.ok(organization.id > 0);

    const refused = zendesk.createClient({ token: 'not-a-token', oauth: true, endpointUri: sandbox.zendesk });
    await assert.rejects(refused.organizations.show(organization.id), /401|not authorized/i);
  });
});
