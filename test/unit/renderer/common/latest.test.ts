import { describe, expect, it } from 'vitest';
import { ClientError } from '../../../../src-renderer/api/client-error';
import { latest } from '../../../../src-renderer/common/latest';

/** A call whose answer the test gives, when it wants. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject, call: () => promise };
}

describe('latest(): the newest request wins', () => {
  it("hands on the second request's answer and drops the first's, which came later", async () => {
    const load = latest();
    const answers: string[] = [];
    const first = deferred<string>();
    const second = deferred<string>();
    const one = load(
      first.call,
      (value) => answers.push(value),
      () => answers.push('failed'),
    );
    const two = load(
      second.call,
      (value) => answers.push(value),
      () => answers.push('failed'),
    );
    second.resolve('second');
    await two;
    first.resolve('first');
    await one;
    expect(answers).toEqual(['second']);
  });

  it("drops the first request's late failure too", async () => {
    const load = latest();
    const seen: string[] = [];
    const first = deferred<string>();
    const second = deferred<string>();
    const one = load(
      first.call,
      (value) => seen.push(value),
      (failure) => seen.push(`failed: ${failure.message}`),
    );
    const two = load(
      second.call,
      (value) => seen.push(value),
      (failure) => seen.push(`failed: ${failure.message}`),
    );
    second.resolve('second');
    await two;
    first.reject(new ClientError('DISCONNECTED', 'The connection dropped.'));
    await expect(one).resolves.toBeUndefined();
    expect(seen).toEqual(['second']);
  });

  it("hands the newest request's failure on as a ClientError", async () => {
    const load = latest();
    const failures: ClientError[] = [];
    await load(
      () => Promise.reject(new Error('socket gone')),
      () => undefined,
      (failure) => failures.push(failure),
    );
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(ClientError);
    expect(failures[0]).toMatchObject({ code: 'INTERNAL', message: 'socket gone' });
  });

  it('in order, each answer lands', async () => {
    const load = latest();
    const answers: number[] = [];
    await load(
      () => Promise.resolve(1),
      (value) => answers.push(value),
    );
    await load(
      () => Promise.resolve(2),
      (value) => answers.push(value),
    );
    expect(answers).toEqual([1, 2]);
  });

  it('supersede(): something newer arrived, so the answer in flight is dropped', async () => {
    const load = latest();
    const answers: string[] = [];
    const read = deferred<string>();
    const pending = load(
      read.call,
      (value) => answers.push(value),
      () => answers.push('failed'),
    );
    load.supersede();
    read.resolve('stale');
    await pending;
    expect(answers).toEqual([]);
    await load(
      () => Promise.resolve('fresh'),
      (value) => answers.push(value),
    );
    expect(answers).toEqual(['fresh']);
  });

  it('without a failure handler, a failure is thrown to the caller whatever its age', async () => {
    const load = latest();
    const write = deferred<string>();
    const pending = load(write.call, () => undefined);
    load.supersede();
    write.reject(new ClientError('CONFLICT', 'Already paired.'));
    await expect(pending).rejects.toMatchObject({ code: 'CONFLICT', message: 'Already paired.' });
  });

  it("loaders are independent: one store's search does not drop its grid", async () => {
    const searches = latest();
    const grids = latest();
    const seen: string[] = [];
    const grid = deferred<string>();
    const pending = grids(grid.call, (value) => seen.push(value));
    await searches(
      () => Promise.resolve('results'),
      (value) => seen.push(value),
    );
    grid.resolve('grid');
    await pending;
    expect(seen).toEqual(['results', 'grid']);
  });
});
