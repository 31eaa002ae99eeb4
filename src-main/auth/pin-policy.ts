/**
 * What a new user's PIN must be: 4 to 8 digits, and for a manager at least the store's
 * `security.managerPinMinLength` (default 6, issue 12: a 4-digit manager PIN falls to
 * offline guessing in minutes). Cashiers are not bound by the manager minimum. Managers
 * added before the minimum keep signing in (their login is journaled as below it).
 */
import type { Role } from '../../src-shared/domain';

/** The sentence saying what is wrong with this PIN for this role, or null when it may be used. */
export function pinProblem(role: Role, pin: string, managerPinMinLength: number): string | null {
  if (!/^\d{4,8}$/.test(pin)) return 'The PIN must be 4 to 8 digits.';
  if (role === 'manager' && pin.length < managerPinMinLength)
    return `A manager's PIN must have at least ${managerPinMinLength} digits.`;
  return null;
}
