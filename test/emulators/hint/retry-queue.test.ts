import { describe, expect, it } from 'vitest';
import { EmulatorClock } from '../../../src/emulators/shared/clock.ts';
import { RetryQueue } from '../../../src/emulators/hint/retry-queue.ts';

describe('Hint emulator: retry queue on the emulated clock', () => {
  it('fires items in due order with one clock timer, and forgets removed ones', () => {
    const clock = new EmulatorClock({ frozen: true, startAt: 0 });
    const fired: string[] = [];
    const queue = new RetryQueue<string>(clock, (item) => fired.push(item));
    queue.schedule('c', 3000);
    queue.schedule('a', 1000);
    queue.schedule('b', 2000);
    queue.schedule('a2', 1000);
    queue.schedule('gone', 1500);
    expect(clock.pendingTimers()).toBe(1);
    queue.remove((item) => item === 'gone');
    clock.advance(999);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual(['a', 'a2']);
    clock.advance(5000);
    expect(fired).toEqual(['a', 'a2', 'b', 'c']);
    expect(queue.size).toBe(0);
    queue.schedule('late', 10);
    queue.clear();
    clock.advance(100);
    expect(fired).toHaveLength(4);
    clock.stop();
  });
});
