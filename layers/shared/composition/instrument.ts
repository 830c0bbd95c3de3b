import { tracer } from '#adapters/powertools/index.ts';

/** Wraps an SDK client so its calls appear in X-Ray (Lambda); a no-op where the tracer is off. */
export type Instrument = <C>(client: C) => C;

/** Powertools' tracer around each client, as every Lambda function instruments its clients. */
export const traced: Instrument = (client) => tracer.captureAWSv3Client(client);

/** No instrumentation (local mode, tests). */
export const untraced: Instrument = (client) => client;
