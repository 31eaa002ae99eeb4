import { describe, expect, it } from 'vitest';
import { PROTECTED_ACTIONS, roleAllows, type ProtectedAction } from '../../../../src-main/auth/permissions';

describe('roles', () => {
  const actions = Object.keys(PROTECTED_ACTIONS) as ProtectedAction[];
  it('a manager holds every protected right, a cashier none', () => {
    expect(actions.filter((a) => !roleAllows('manager', a))).toEqual([]);
    expect(actions.filter((a) => roleAllows('cashier', a))).toEqual([]);
  });
  it('covers every action the issue names', () => {
    expect(actions.sort()).toEqual(
      [
        'cash.move',
        'discount.overLimit',
        'drawer.noSale',
        'line.void',
        'order.void',
        'payment.release',
        'payment.resolve',
        'payment.settle',
        'payment.void',
        'price.override',
        'refund',
        'shift.close',
        // Issue 11: captures, tips over the limit and cash back over the limit are a manager's.
        'payment.capture',
        'payment.tip',
        'cashback',
      ].sort(),
    );
  });
});
