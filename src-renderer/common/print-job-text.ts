/** Print jobs in words, for every screen that prints: the receipt, the reports and the devices panel. */
import type { PrintJobView } from '../../src-shared/domain';

/** "Printed", "Waiting to print", "Print failed: …": a job's state in a cashier's words. */
export function jobText(job: PrintJobView): string {
  switch (job.state) {
    case 'queued':
      if (job.attempts > 0 && job.lastError) return `Waiting to print (last try failed: ${job.lastError})`;
      return 'Waiting to print';
    case 'printing':
      return 'Printing…';
    case 'done':
      return 'Printed';
    case 'failed':
      return `Print failed: ${job.lastError ?? 'the printer did not answer'}`;
  }
}
