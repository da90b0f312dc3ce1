/**
 * Test double of use-worker.mjs: the real worker with two additions for tests.
 * - Every network API of the thread is blocked: an attempt prints what was tried and ends the
 *   thread (exit code 71), so "the model loads offline" cannot pass by a caught fetch error.
 * - A batch containing the text "<crash>" ends the thread abruptly (exit code 70), as an
 *   out-of-memory kill would, for crash-recovery tests.
 */
import dns from "node:dns";
import net from "node:net";
import { parentPort } from "node:worker_threads";

function blocked(what) {
  return () => {
    console.error(`test-use-worker: network access attempted (${what})`);
    process.exit(71);
  };
}
globalThis.fetch = blocked("fetch");
net.Socket.prototype.connect = blocked("net.Socket.connect");
net.connect = blocked("net.connect");
net.createConnection = blocked("net.createConnection");
dns.lookup = blocked("dns.lookup");

// Registered before the real worker's listener, so the thread is gone before the batch runs.
parentPort?.on("message", (msg) => {
  if (msg?.type === "embed" && msg.texts.includes("<crash>")) process.exit(70);
});
await import("./use-worker.mjs");
