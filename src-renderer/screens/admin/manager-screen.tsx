/**
 * Placeholder: the Manager screen (approvals, shift, drawer count, X/Z reports, unknown
 * payments to settle) is added by the lead together with its channels.
 */
export function ManagerScreen() {
  return (
    <section className="admin-screen" aria-labelledby="manager-heading">
      <h2 id="manager-heading">Manager</h2>
      <p>Manager functions are not available in this version.</p>
    </section>
  );
}
