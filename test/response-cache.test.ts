import { describe, expect, it } from 'vitest';
import { ResponseCache } from '../src/render/response-cache.js';

const bytes = (n: number, fill = 'x'): Buffer => Buffer.alloc(n, fill);
const user = (id: number) => ({ resource: 'users', id });
const department = (id: number) => ({ resource: 'departments', id });

describe('the response cache', () => {
  it('keeps bytes by key within its capacity, the oldest not read since out first', () => {
    // Each entry costs its 1,000 bytes and about 225 of bookkeeping: four fit in 5,000.
    const cache = new ResponseCache(5000);
    for (let id = 1; id <= 4; id++) cache.put(`u${id}`, bytes(1000), [user(id)], cache.mark());
    expect(cache.get('u1')?.length).toBe(1000);
    cache.put('u5', bytes(1000), [user(5)], cache.mark());
    // u1 is the oldest, but was read since: u2 goes.
    expect(cache.get('u2')).toBeUndefined();
    expect(cache.get('u1')).toBeDefined();
    expect(cache.stats().bytes).toBeLessThanOrEqual(5000);
    expect(cache.stats().entries).toBe(4);
  });

  it('refuses bytes larger than a quarter of its capacity', () => {
    const cache = new ResponseCache(4096);
    cache.put('big', bytes(1025), [user(1)], cache.mark());
    expect(cache.get('big')).toBeUndefined();
  });

  it('evicts every entry showing a written row, and only those', () => {
    const cache = new ResponseCache(1 << 20);
    cache.put('u1|json', bytes(10), [user(1), department(3), user(9)], cache.mark());
    cache.put('u1|xml', bytes(10), [user(1), department(3)], cache.mark());
    cache.put('u2|json', bytes(10), [user(2), department(4)], cache.mark());
    // User 9 is user 1's manager: renaming 9 changes 1's answer.
    cache.evictRows('users', [9]);
    expect(cache.get('u1|json')).toBeUndefined();
    expect(cache.get('u1|xml')).toBeDefined();
    expect(cache.get('u2|json')).toBeDefined();
    cache.evictTable('departments');
    expect(cache.stats().entries).toBe(0);
  });

  it('does not keep what a read rendered before a write it raced finished', () => {
    const cache = new ResponseCache(1 << 20);
    const before = cache.mark();
    cache.evictRows('users', [1]);
    cache.put('u1', bytes(10), [user(1)], before);
    expect(cache.get('u1')).toBeUndefined();
    // A write to another row does not spoil the read.
    const again = cache.mark();
    cache.evictRows('users', [2]);
    cache.put('u1', bytes(10), [user(1)], again);
    expect(cache.get('u1')).toBeDefined();
    // A table-wide eviction spoils every read of its rows.
    const third = cache.mark();
    cache.evictTable('departments');
    cache.put('u3', bytes(10), [user(3), department(1)], third);
    expect(cache.get('u3')).toBeUndefined();
    // After clear(), no read started before it is kept.
    const fourth = cache.mark();
    cache.clear();
    cache.put('u4', bytes(10), [user(4)], fourth);
    expect(cache.get('u4')).toBeUndefined();
    cache.put('u4', bytes(10), [user(4)], cache.mark());
    expect(cache.get('u4')).toBeDefined();
  });

  it('refuses a read older than the evictions it remembers', () => {
    const cache = new ResponseCache(1 << 20);
    const old = cache.mark();
    for (let id = 100; id < 100 + 5000; id++) cache.evictRows('users', [id]);
    cache.put('u1', bytes(10), [user(1)], old);
    expect(cache.get('u1')).toBeUndefined();
  });

  it('forgets its bookkeeping with the entries (no growth under churn)', () => {
    const cache = new ResponseCache(10_000);
    for (let id = 0; id < 20_000; id++) cache.put(`u${id}`, bytes(100), [user(id), department(id % 7)], cache.mark());
    // 100 bytes, a key of about 12 and two rows: about 450 an entry.
    expect(cache.stats().entries).toBeGreaterThan(15);
    expect(cache.stats().entries).toBeLessThan(30);
    expect(cache.stats().bytes).toBeLessThanOrEqual(10_000);
    cache.evictTable('departments');
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });
});

describe('the response cache’s doorkeeper', () => {
  it('admits a key on its second miss, not its first', () => {
    const cache = new ResponseCache(1 << 20);
    expect(cache.admits('u1')).toBe(false);
    expect(cache.admits('u2')).toBe(false);
    expect(cache.admits('u1')).toBe(true);
    // Admitted once: the next miss of it starts over.
    expect(cache.admits('u1')).toBe(false);
    cache.clear();
    expect(cache.admits('u2')).toBe(false);
  });
});
