/**
 * The SMS: one short GSM-7 message (status, monitor, summary cut to fit, run id). Characters
 * outside GSM-7 are replaced rather than sent as UCS-2, so every notice fits one 160-septet SMS.
 */
import type { Monitor, MonitorRun } from '../model/entities.ts';
import type { NoticeKind } from './decide.ts';
import { GSM_SINGLE_SMS_SEPTETS, gsmSeptets, toGsm } from './gsm.ts';
import { headlineOf } from './notice.ts';
import { cutToFit, oneLine } from './text.ts';

const MAX_NAME_IN_SMS = 40;
const GSM_CUT = { ellipsis: '...', measure: gsmSeptets };

/**
 * `Vigil ALERT <monitor>: <summary...> (run <id>)` in at most 160 GSM-7 septets. Non-GSM characters
 * are replaced (accents dropped, typographic quotes straightened, anything else `?`).
 */
export function renderSms(run: MonitorRun, monitor: Monitor, options: { kind?: NoticeKind } = {}): string {
  const word = options.kind === 'recovered' ? 'RECOVERED' : run.status.toUpperCase();
  const gsm = (text: string): string => toGsm(oneLine(text));
  const prefix = `Vigil ${word} ${cutToFit(gsm(monitor.name), MAX_NAME_IN_SMS, GSM_CUT)}: `;
  const suffix = ` (run ${gsm(run.id)})`;
  const room = GSM_SINGLE_SMS_SEPTETS - gsmSeptets(prefix) - gsmSeptets(suffix);
  const message = `${prefix}${cutToFit(gsm(headlineOf(run)), room, GSM_CUT)}${suffix}`;
  return cutToFit(message, GSM_SINGLE_SMS_SEPTETS, GSM_CUT);
}
