/**
 * The mDNS side of CodePay pairing (PAYMENTS.md §2.3): the POS advertises
 * `_ecr-hub-client._tcp` and browses `_ecr-hub-server._tcp` (terminals). Kept behind a
 * tiny interface so pairing runs without multicast (tests, demo mode, networks that
 * block it) and so a missing or failing mDNS never stops the app.
 */
import { Bonjour, type Service } from 'bonjour-service';

/** Service types as bonjour-service spells them (no leading underscore, TCP implied). */
export const ECR_HUB_CLIENT_TYPE = 'ecr-hub-client';
export const ECR_HUB_SERVER_TYPE = 'ecr-hub-server';

export interface MdnsAdvert {
  name: string;
  type: string;
  port: number;
  txt: Record<string, string>;
}

export interface MdnsAnnouncement {
  /** Instance name (a terminal uses its serial number, sometimes `<id>_<suffix>`). */
  name: string;
  addresses: string[];
  port: number;
  txt: Record<string, string>;
}

export interface CodepayMdns {
  publish(advert: MdnsAdvert): void;
  /** Called for every announcement and every change (new address, port or TXT). */
  browse(type: string, onAnnouncement: (announcement: MdnsAnnouncement) => void): void;
  destroy(): Promise<void>;
}

function txtOf(service: Service): Record<string, string> {
  const txt: Record<string, string> = {};
  for (const [key, value] of Object.entries((service.txt ?? {}) as Record<string, unknown>)) {
    txt[key] = Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  }
  return txt;
}

/** Real multicast DNS through bonjour-service. */
export function createBonjourMdns(log: (line: string) => void = () => undefined): CodepayMdns {
  const bonjour = new Bonjour({}, (error: Error) => log(`mdns: ${error.message}`));
  const announce = (service: Service, onAnnouncement: (announcement: MdnsAnnouncement) => void): void => {
    onAnnouncement({ name: service.name, addresses: service.addresses ?? [], port: service.port, txt: txtOf(service) });
  };
  return {
    publish(advert) {
      bonjour.publish({ name: advert.name, type: advert.type, port: advert.port, txt: advert.txt, disableIPv6: true });
    },
    browse(type, onAnnouncement) {
      const browser = bonjour.find({ type });
      browser.on('up', (service) => announce(service, onAnnouncement));
      browser.on('srv-update', (service) => announce(service, onAnnouncement));
      browser.on('txt-update', (service) => announce(service, onAnnouncement));
    },
    destroy() {
      return new Promise((resolve) => {
        bonjour.unpublishAll(() => bonjour.destroy(() => resolve()));
      });
    },
  };
}

/**
 * An in-process stand-in for the multicast network: every instance made by one bus sees
 * the others' adverts. For demo mode (virtual terminal) and deterministic tests.
 */
export function createLoopbackMdnsBus(): { create(address?: string): CodepayMdns } {
  const adverts: { advert: MdnsAdvert; address: string; owner: object }[] = [];
  const browsers: { type: string; onAnnouncement: (announcement: MdnsAnnouncement) => void; owner: object }[] = [];
  const toAnnouncement = (entry: { advert: MdnsAdvert; address: string }): MdnsAnnouncement => ({
    name: entry.advert.name,
    addresses: [entry.address],
    port: entry.advert.port,
    txt: { ...entry.advert.txt },
  });
  return {
    create(address = '127.0.0.1') {
      const owner = {};
      return {
        publish(advert) {
          const index = adverts.findIndex(
            (entry) => entry.advert.name === advert.name && entry.advert.type === advert.type,
          );
          const entry = { advert, address, owner };
          if (index >= 0) adverts[index] = entry;
          else adverts.push(entry);
          for (const browser of browsers)
            if (browser.type === advert.type) browser.onAnnouncement(toAnnouncement(entry));
        },
        browse(type, onAnnouncement) {
          browsers.push({ type, onAnnouncement, owner });
          for (const entry of adverts) if (entry.advert.type === type) onAnnouncement(toAnnouncement(entry));
        },
        async destroy() {
          for (let i = adverts.length - 1; i >= 0; i -= 1) if (adverts[i].owner === owner) adverts.splice(i, 1);
          for (let i = browsers.length - 1; i >= 0; i -= 1) if (browsers[i].owner === owner) browsers.splice(i, 1);
        },
      };
    },
  };
}
