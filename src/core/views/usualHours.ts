/** The person's usual working hours, in minutes after local midnight; `end` before `start` wraps midnight. */
export interface UsualHours {
  readonly startMinute: number;
  readonly endMinute: number;
}

const TIME = /^\s*([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-4]):([0-5]\d)\s*$/;

/** Parses `HH:MM-HH:MM` (e.g. `08:00-19:00`, or `22:00-06:00` across midnight); undefined when it does not parse. */
export function parseUsualHours(text: string): UsualHours | undefined {
  const match = TIME.exec(text);
  if (match === null) return undefined;
  const [, h1, m1, h2, m2] = match;
  const startMinute = Number(h1) * 60 + Number(m1);
  const endMinute = Number(h2) * 60 + Number(m2);
  if (endMinute > 24 * 60 || startMinute === endMinute) return undefined;
  return { startMinute, endMinute };
}

/** Whether `minuteOfDay` (local) falls inside the usual hours. */
export function withinUsualHours(hours: UsualHours, minuteOfDay: number): boolean {
  return hours.startMinute < hours.endMinute
    ? minuteOfDay >= hours.startMinute && minuteOfDay < hours.endMinute
    : minuteOfDay >= hours.startMinute || minuteOfDay < hours.endMinute;
}
