import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisCounters } from "../src/infra/counters";
import { backends } from "./backends";
import { startTestApp, type TestApp } from "./harness";

const redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl) console.warn("[tests] Redis tier skipped: set TEST_REDIS_URL=redis://127.0.0.1:6379 to run it.");
if (!redisUrl && process.env.CI === "true") throw new Error("CI=true but TEST_REDIS_URL is not set");

describe.runIf(redisUrl)("Redis tier", () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(redisUrl as string);
  });
  afterAll(() => redis?.quit());

  it("counts failed logins in Redis with an expiry", async () => {
    const c = createRedisCounters(redis, `atrium:test:${crypto.randomUUID()}:`);
    expect(await c.hit("login:x", 30)).toBe(1);
    expect(await c.hit("login:x", 30)).toBe(2);
    expect(await c.get("login:x")).toBe(2);
    expect(await c.ttl("login:x")).toBeGreaterThan(25);
    await c.reset("login:x");
    expect(await c.get("login:x")).toBe(0);
  });

  describe("an app with REDIS_URL", () => {
    let t: TestApp;
    beforeAll(async () => {
      const embedded = backends[0];
      if (!embedded) throw new Error("no backend");
      t = await startTestApp(embedded, { REDIS_URL: redisUrl, LOGIN_IP_PER_MINUTE: 3, LOGIN_MAX_FAILURES: 50 });
      await t.setupOwner();
    });
    afterAll(() => t?.close());

    it("rate-limits login attempts per IP through the Redis store", async () => {
      const ip = `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await t.app.inject({
          method: "POST",
          url: "/api/v1/auth/token",
          remoteAddress: ip,
          payload: { username: "nobody@example.com", password: "wrong-password" },
        });
        statuses.push(res.statusCode);
      }
      expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
      expect(statuses.slice(3)).toEqual([429, 429]);
      const keys = await redis.keys("atrium:ratelimit:*");
      expect(keys.length).toBeGreaterThan(0);
    });
  });
});
