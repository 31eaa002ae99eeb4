/**
 * Placeholder: the Devices screen (scanner, printer, drawer, terminals) is added by the
 * lead together with its device channels. Kept here so the navigation has its place.
 */
export function DevicesScreen() {
  return (
    <section className="admin-screen" aria-labelledby="devices-heading">
      <h2 id="devices-heading">Devices</h2>
      <p>Device settings are not available in this version.</p>
    </section>
  );
}
