/**
 * The GSM 03.38 alphabet. One SMS carries 160 GSM-7 septets, but a single character outside it
 * switches the whole message to UCS-2 and the limit to 70, so Vigil replaces such characters
 * instead of letting an emoji in a log line split the alert into three billed segments.
 */
import { replaceUnsupported } from './text.ts';

/** One septet each (the escape, CR and form feed are left out: a notice never needs them). */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** Two septets each: an escape, then the character. */
const GSM_EXTENSION = new Set('^{}\\[~]|€');

/** Septets per SMS when every character is GSM-7 (a single, unsegmented message). */
export const GSM_SINGLE_SMS_SEPTETS = 160;

/** Whether the character is in the GSM-7 alphabet or its extension table. */
export function isGsmCharacter(char: string): boolean {
  return GSM_BASIC.has(char) || GSM_EXTENSION.has(char);
}

/** Septets the text takes in GSM-7 (extension characters count twice). */
export function gsmSeptets(text: string): number {
  let septets = 0;
  for (const char of text) septets += GSM_EXTENSION.has(char) ? 2 : 1;
  return septets;
}

/** The text with every non-GSM character replaced: accents dropped, quotes straightened, others `?`. */
export function toGsm(text: string): string {
  return replaceUnsupported(text, isGsmCharacter);
}
