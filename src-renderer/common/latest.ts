/**
 * "The latest request wins" for a store's reads: a slow, older answer must never replace a
 * newer one (a search typed on, a list read again after an event). One loader per kind of
 * read; each call of it is a new request, and only the newest one's answer or failure is
 * handed on — the rule lives here, so a store cannot forget it.
 */
import { toClientError, type ClientError } from '../api/client-error';

export interface Latest {
  /**
   * Starts `call`; `answered` gets its result and `failed` its failure only while no later
   * request started (and `supersede` was not called) meanwhile; resolves once handed on or
   * dropped. Without `failed`, a failure is thrown to the caller whatever its age: a write
   * whose refusal must be said even when a newer answer already came.
   */
  <T>(call: () => Promise<T>, answered: (result: T) => void, failed?: (failure: ClientError) => void): Promise<void>;
  /** Something newer than every answer in flight arrived (an event, a write's reply): those answers are dropped. */
  supersede(): void;
}

/** A loader whose answers land only while they are the newest; see {@link Latest}. */
export function latest(): Latest {
  let newest = 0;
  async function load<T>(
    call: () => Promise<T>,
    answered: (result: T) => void,
    failed?: (failure: ClientError) => void,
  ): Promise<void> {
    const mine = ++newest;
    let result: T;
    try {
      result = await call();
    } catch (error) {
      if (!failed) throw error;
      if (mine === newest) failed(toClientError(error));
      return;
    }
    if (mine === newest) answered(result);
  }
  return Object.assign(load, {
    supersede() {
      newest += 1;
    },
  });
}
