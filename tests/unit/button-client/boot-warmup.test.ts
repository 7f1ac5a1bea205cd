import { warmUpAtBoot } from '../../../server/src/button-client/boot-warmup';

/** The boot warm-up tries once at bootstrap and, if that failed (a busy boot), once more when the server listens. */
describe('warmUpAtBoot', () => {
  const run = (answers: Array<boolean | Error>, ready = Promise.resolve()) => {
    const calls: string[] = [];
    const logs: string[] = [];
    const result = warmUpAtBoot({
      warmup: async () => {
        calls.push('warmup');
        const answer = answers.shift();
        if (answer instanceof Error) throw answer;
        return answer ?? false;
      },
      serverReady: async () => {
        calls.push('ready?');
        await ready;
      },
      log: (message) => logs.push(message),
    });
    return { result, calls, logs };
  };

  it('stops after a first success', async () => {
    const { result, calls, logs } = run([true]);
    expect(await result).toBe(true);
    expect(calls).toEqual(['warmup']);
    expect(logs).toEqual(['connection warm-up done']);
  });

  it('tries once more when the server is ready after a failure (or an error)', async () => {
    for (const first of [false, new Error('connect timeout')]) {
      const { result, calls, logs } = run([first, true]);
      expect(await result).toBe(true);
      expect(calls).toEqual(['warmup', 'ready?', 'warmup']);
      expect(logs).toEqual(['connection warm-up done on the second try']);
    }
  });

  it('waits for the server before the second try, and gives up after it', async () => {
    let listen!: () => void;
    const ready = new Promise<void>((resolve) => (listen = resolve));
    const { result, calls, logs } = run([false, false], ready);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual(['warmup', 'ready?']);
    listen();
    expect(await result).toBe(false);
    expect(calls).toEqual(['warmup', 'ready?', 'warmup']);
    expect(logs).toEqual(['connection warm-up failed twice (the first request will connect)']);
  });
});
