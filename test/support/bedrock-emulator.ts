import { createServer, type Http2Server, type Http2ServerRequest } from 'node:http2';
import type { AddressInfo } from 'node:net';

/** What the emulator received: one Converse request. */
export interface ConverseRequestSeen {
  method: string;
  path: string;
  authorization: string;
  body: {
    system: { text: string }[];
    messages: { role: string; content: { text?: string }[] }[];
    toolConfig: { tools: { toolSpec: { name: string } }[]; toolChoice: unknown };
    inferenceConfig: unknown;
  };
}

export interface BedrockEmulator {
  endpoint: string;
  requests: ConverseRequestSeen[];
  stop(): Promise<void>;
}

async function readBody(request: Http2ServerRequest): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A Bedrock Runtime Converse emulator over cleartext HTTP/2 (the SDK's Bedrock client speaks
 * HTTP/2 only). It answers every request with a `report_verdict` tool call built by `verdict`
 * from the payload it was sent, and fixed usage.
 */
export async function startBedrockEmulator(
  verdict: (payload: string) => Record<string, unknown>,
  usage = { inputTokens: 2110, outputTokens: 180 },
): Promise<BedrockEmulator> {
  const requests: ConverseRequestSeen[] = [];
  const server: Http2Server = createServer((request, response) => {
    void readBody(request).then((text) => {
      const body = JSON.parse(text) as ConverseRequestSeen['body'];
      requests.push({
        method: request.method ?? '',
        path: request.url ?? '',
        authorization: String(request.headers.authorization ?? ''),
        body,
      });
      const payload = body.messages.flatMap((m) => m.content.map((c) => c.text ?? '')).join('\n');
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          output: {
            message: {
              role: 'assistant',
              content: [{ toolUse: { toolUseId: 'tooluse_emulated', name: 'report_verdict', input: verdict(payload) } }],
            },
          },
          stopReason: 'tool_use',
          usage: { ...usage, totalTokens: usage.inputTokens + usage.outputTokens },
          metrics: { latencyMs: 420 },
        }),
      );
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}
