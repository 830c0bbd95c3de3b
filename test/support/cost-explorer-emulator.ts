import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the emulator received: the JSON 1.1 operation (`X-Amz-Target`) and its body. */
export interface CostExplorerRequestSeen {
  operation: string;
  body: Record<string, any>;
  authorization: string;
}

export interface CostExplorerEmulator {
  endpoint: string;
  requests: CostExplorerRequestSeen[];
  stop(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const day = (date: Date): string => date.toISOString().slice(0, 10);

/**
 * A Cost Explorer emulator speaking its real protocol (AWS JSON 1.1, `X-Amz-Target:
 * AWSInsightsIndexService.<Operation>`), so the real SDK client is used against it: every day
 * of the asked period costs `dailyUsd` for Amazon EC2, the forecast is `forecastUsd`, and there
 * are no anomalies. Each answer waits `delayMs`, so a test can look while collection runs.
 */
export async function startCostExplorerEmulator(options: { dailyUsd: number; forecastUsd: number; delayMs?: number }): Promise<CostExplorerEmulator> {
  const requests: CostExplorerRequestSeen[] = [];
  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = JSON.parse((await readBody(request)) || '{}') as Record<string, any>;
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = target.replace(/^AWSInsightsIndexService\./, '');
      requests.push({ operation, body, authorization: String(request.headers.authorization ?? '') });
      await new Promise((done) => setTimeout(done, options.delayMs ?? 0));
      const answer = (status: number, payload: unknown) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(payload));
      };
      switch (operation) {
        case 'GetCostAndUsage': {
          const results = [];
          for (let at = new Date(`${body.TimePeriod.Start}T00:00:00Z`); day(at) < body.TimePeriod.End; at = new Date(at.getTime() + 86_400_000)) {
            const next = new Date(at.getTime() + 86_400_000);
            results.push({
              TimePeriod: { Start: day(at), End: day(next) },
              Estimated: false,
              Groups: [{ Keys: ['Amazon Elastic Compute Cloud - Compute'], Metrics: { [body.Metrics[0]]: { Amount: String(options.dailyUsd), Unit: 'USD' } } }],
            });
          }
          return answer(200, { ResultsByTime: results, DimensionValueAttributes: [] });
        }
        case 'GetCostForecast':
          return answer(200, { Total: { Amount: String(options.forecastUsd), Unit: 'USD' }, ForecastResultsByTime: [] });
        case 'GetAnomalies':
          return answer(200, { Anomalies: [] });
        default:
          return answer(400, { __type: 'com.amazon.coral.validate#ValidationException', message: `unknown operation ${target}` });
      }
    })();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
