// Devices speak MQTT. With MQTT_URL the app connects to that broker; without it, it embeds an
// aedes broker (devices log in with a machine token as the password) and connects to it as a
// client like any other, so module code is the same in both cases.
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';

export type MessageHandler = (topic: string, payload: Buffer) => Promise<void> | void;

export interface BrokerStatus {
  mode: 'embedded' | 'external';
  connected: boolean;
  url: string;
}

/** Checks a device's credentials (username, password = machine token). */
export type DeviceAuthenticator = (username: string, password: string) => Promise<boolean>;

export class Broker {
  private client: MqttClient | null = null;
  private aedes: Aedes | null = null;
  private server: Server | null = null;
  private url = '';
  private readonly internalSecret = randomBytes(24).toString('base64url');
  private readonly handlers: { pattern: string; handler: MessageHandler }[] = [];
  private mode: 'embedded' | 'external' = 'embedded';

  constructor(private readonly log: Logger) {}

  async start(opts: { url: string; port: number; host?: string; authenticate: DeviceAuthenticator }): Promise<void> {
    if (opts.url) {
      this.mode = 'external';
      this.url = opts.url;
    } else {
      this.mode = 'embedded';
      this.aedes = await Aedes.createBroker({
        authenticate: (_client, username, password, done) => {
          const pw = password?.toString() ?? '';
          if (username === '__qingche_internal' && pw === this.internalSecret) return done(null, true);
          opts.authenticate(username ?? '', pw).then(
            (ok) => done(null, ok),
            () => done(null, false),
          );
        },
      });
      this.server = createServer(this.aedes.handle);
      const listen = (port: number) =>
        new Promise<void>((resolve, reject) => {
          this.server!.once('error', reject);
          this.server!.listen(port, opts.host ?? '127.0.0.1', () => resolve());
        });
      try {
        await listen(opts.port);
      } catch (err) {
        // Another broker (or another instance) holds the port: take a free one rather than refuse to start.
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
        this.log.warn({ port: opts.port }, 'MQTT port in use; the embedded broker takes a free port instead (see /api/health)');
        await listen(0);
      }
      const port = (this.server.address() as AddressInfo).port;
      const host = !opts.host || opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
      this.url = `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`;
    }
    this.client = mqtt.connect(this.url, {
      clientId: `qingche-app-${randomBytes(4).toString('hex')}`,
      username: this.mode === 'embedded' ? '__qingche_internal' : undefined,
      password: this.mode === 'embedded' ? this.internalSecret : undefined,
      reconnectPeriod: 2000,
      connectTimeout: 5000,
    });
    this.client.on('error', (err) => this.log.warn({ err: err.message }, 'mqtt client error'));
    this.client.on('message', (topic, payload) => {
      for (const h of this.handlers) {
        if (topicMatches(h.pattern, topic)) {
          Promise.resolve(h.handler(topic, payload)).catch((err) => this.log.error({ err, topic }, 'mqtt handler failed'));
        }
      }
    });
    this.client.on('connect', () => {
      for (const h of this.handlers) this.client!.subscribe(h.pattern, { qos: 1 });
    });
    // Start-up does not wait for an external broker: health reports it as disconnected instead.
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 3000);
      this.client!.once('connect', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  subscribe(pattern: string, handler: MessageHandler): void {
    this.handlers.push({ pattern, handler });
    if (this.client?.connected) this.client.subscribe(pattern, { qos: 1 });
  }

  async publish(topic: string, payload: string | Buffer): Promise<void> {
    if (!this.client) throw new Error('broker not started');
    await this.client.publishAsync(topic, payload, { qos: 1 });
  }

  status(): BrokerStatus {
    return { mode: this.mode, connected: Boolean(this.client?.connected), url: this.url.replace(/\/\/[^@/]*@/, '//***@') };
  }

  async stop(): Promise<void> {
    await this.client?.endAsync(true).catch(() => undefined);
    if (this.aedes) await new Promise<void>((r) => this.aedes!.close(() => r()));
    if (this.server) await new Promise<void>((r) => this.server!.close(() => r()));
    this.client = null;
    this.aedes = null;
    this.server = null;
  }
}

/** MQTT topic filter matching with + and #. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
