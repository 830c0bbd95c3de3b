/** A clock that only moves when told, and a sleep that moves it (no real waiting). */
export function fakeTime(iso: string) {
  let now = Date.parse(iso);
  const slept: number[] = [];
  return {
    clock: { now: () => new Date(now) },
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    advance: (ms: number) => {
      now += ms;
    },
    slept,
    get nowMs() {
      return now;
    },
  };
}

/** An SDK-shaped error: what the SDK throws for a modeled or transport failure. */
export function awsError(name: string, message = name): Error {
  const error = new Error(message);
  error.name = name;
  return Object.assign(error, { $metadata: { httpStatusCode: 400 }, $fault: 'client' });
}
