import { describe, expect, it } from 'vitest';
import { ClientError } from '../../../../src-renderer/api/client-error';
import { endsSession, showFailure, shownError } from '../../../../src-renderer/common/shown-error';

describe('the quiet-error rule', () => {
  it('a panel shows nothing when the session ended: the login or lock screen says why', () => {
    expect(shownError(new ClientError('NOT_AUTHENTICATED', 'Log in first.'))).toBeNull();
    expect(shownError(new ClientError('SESSION_LOCKED', 'The till is locked.'))).toBeNull();
    expect(endsSession('NOT_AUTHENTICATED')).toBe(true);
    expect(endsSession('SESSION_LOCKED')).toBe(true);
  });

  it("every other failure is shown in main's words", () => {
    expect(shownError(new ClientError('CONFLICT', 'That sale is already paid.'))).toBe('That sale is already paid.');
    expect(shownError(new ClientError('DISCONNECTED', 'Not connected.'))).toBe('Not connected.');
    expect(endsSession('CONFLICT')).toBe(false);
  });

  it('a thrown value that is not a ClientError is shown too', () => {
    expect(shownError(new Error('socket gone'))).toBe('socket gone');
    expect(shownError('odd')).toBe('odd');
  });

  it('showFailure puts a shown failure on the panel and leaves the panel as it is otherwise', () => {
    const patches: { error: string }[] = [];
    showFailure((patch) => patches.push(patch), new ClientError('CONFLICT', 'Already paired.'));
    showFailure((patch) => patches.push(patch), new ClientError('SESSION_LOCKED', 'Locked.'));
    expect(patches).toEqual([{ error: 'Already paired.' }]);
  });
});
