'use strict';
// A grpc-js client of the sample app's ChatService (sample-app/src/main/proto/chat.proto).
// Usage: node sample-client.js <case> <host:port> <chat.proto>
// Prints progress lines and one "RESULT <json>" line; exits 0 when the case held, 1 otherwise.
const assert = require('node:assert/strict');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [testCase, target, protoPath] = process.argv.slice(2);
const definition = protoLoader.loadSync(protoPath, { keepCase: true, longs: Number, defaults: true });
const { ChatService } = grpc.loadPackageDefinition(definition).triplestream.sample.chat.v1;
const client = new ChatService(target, grpc.credentials.createInsecure());

/** Runs one Chat: sends count messages, half-closes, and resolves with what came back and the status. */
function chat(count) {
  return new Promise((resolve) => {
    const replies = [];
    const call = client.Chat();
    call.on('data', (reply) => replies.push(reply));
    // grpc-js reports a non-OK end as 'error' and every end as 'status'; the status is what counts.
    call.on('error', () => {});
    call.on('status', (status) => resolve({ replies, code: status.code, details: status.details }));
    for (let seq = 1; seq <= count; seq++) {
      call.write({ seq, text: `message ${seq}` });
    }
    call.end();
  });
}

function assertChat(result, count) {
  assert.equal(result.code, grpc.status.OK, `status ${result.code} ${result.details}`);
  assert.equal(result.replies.length, count + 1, 'every echo and the bye');
  for (let seq = 1; seq <= count; seq++) {
    assert.deepEqual(result.replies[seq - 1], { seq, text: `echo: message ${seq}` });
  }
  assert.deepEqual(result.replies[count], { seq: count, text: 'bye' });
}

/** Opens Ticks; onTick(call, ticks) sees every tick; resolves with the ticks and the end status. */
function ticks(intervalMs, options, onTick) {
  return new Promise((resolve) => {
    const received = [];
    const call = client.Ticks(options);
    call.on('data', (tick) => {
      received.push(tick);
      onTick(call, received);
    });
    call.on('error', () => {});
    call.on('status', (status) => resolve({ ticks: received, code: status.code, details: status.details }));
    call.write({ interval_ms: intervalMs });
  });
}

const cases = {
  async chat() {
    const result = await chat(5);
    assertChat(result, 5);
    return { replies: result.replies.length, code: result.code };
  },

  async 'chat-concurrent'() {
    const results = await Promise.all(Array.from({ length: 100 }, () => chat(3)));
    results.forEach((result) => assertChat(result, 3));
    return { streams: results.length, ok: results.filter((r) => r.code === grpc.status.OK).length };
  },

  async 'ticks-cancel'() {
    const result = await ticks(50, {}, (call, received) => {
      if (received.length === 3) {
        call.cancel();
      }
    });
    assert.equal(result.code, grpc.status.CANCELLED, `status ${result.code} ${result.details}`);
    assert.ok(result.ticks.length >= 3, `${result.ticks.length} ticks`);
    assert.deepEqual(result.ticks.slice(0, 3).map((t) => t.seq), [1, 2, 3]);
    return { ticks: result.ticks.length, code: result.code };
  },

  async 'ticks-deadline'() {
    const started = Date.now();
    const result = await ticks(50, { deadline: started + 500 }, () => {});
    const tookMs = Date.now() - started;
    assert.equal(result.code, grpc.status.DEADLINE_EXCEEDED, `status ${result.code} ${result.details}`);
    assert.ok(result.ticks.length >= 1, `some ticks before the deadline: ${JSON.stringify(result)}`);
    return { ticks: result.ticks.length, code: result.code, tookMs };
  },

  async 'ticks-drain'() {
    const result = await ticks(100, {}, (call, received) => {
      if (received.length === 1) {
        console.log('TICKS_OPEN'); // the test now sends SIGTERM to the server
      }
    });
    assert.equal(result.code, grpc.status.OK, `status ${result.code} ${result.details}`);
    const seqs = result.ticks.map((t) => t.seq);
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1), 'no tick lost or repeated');
    return { ticks: result.ticks.length, code: result.code, details: result.details };
  },
};

(async () => {
  if (!cases[testCase]) {
    throw new Error(`unknown case ${testCase}; known: ${Object.keys(cases).join(', ')}`);
  }
  // Connect first, so that a case's deadline times the stream rather than the connection set-up.
  await new Promise((resolve, reject) => client.waitForReady(Date.now() + 30000, (error) => (error ? reject(error) : resolve())));
  const result = await cases[testCase]();
  console.log(`RESULT ${JSON.stringify(result)}`);
  client.close();
})().catch((error) => {
  console.log(`FAILED ${error.stack || error}`);
  client.close();
  process.exitCode = 1;
});
