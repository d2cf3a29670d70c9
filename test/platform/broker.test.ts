// Devices speak MQTT: with no MQTT_URL the app embeds a broker; a device logs in with a machine
// token carrying devices:ingest, anything else is refused; the app's own client sees the messages.
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, makeSubtree, testApp, type TestApp } from '../support/app.js';

let t: TestApp;
let port: number;
let deviceToken: string;
let readerToken: string;

beforeAll(async () => {
  t = await testApp({ mqttPort: 0 });
  const s = await makeSubtree(t);
  const admin = await loginAs(t, { role: 'admin', node: s.city });
  deviceToken = (await t.call('POST', '/api/admin/api-tokens', { token: admin.token, body: { name: 'water-meter-7', kind: 'device', nodeId: s.grid.id, permissions: ['devices:ingest'] } })).json().token;
  readerToken = (await t.call('POST', '/api/admin/api-tokens', { token: admin.token, body: { name: 'reader', kind: 'platform', nodeId: s.grid.id, permissions: ['tree:read'] } })).json().token;
  await t.built.startBackground();
  port = Number(new URL(t.built.platform.broker.status().url).port);
});
afterAll(() => t.close());

function connect(password: string): Promise<mqtt.MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, { username: 'device', password, reconnectPeriod: 0, connectTimeout: 3000 });
    c.once('connect', () => resolve(c));
    c.once('error', (err) => {
      c.end(true);
      reject(err);
    });
  });
}

describe('embedded MQTT broker', () => {
  it('reports itself in health', async () => {
    const h = (await t.call('GET', '/api/health')).json();
    expect(h.broker).toMatchObject({ mode: 'embedded', connected: true });
    expect(h.status).toBe('ok');
  });

  it('accepts a device token and delivers its messages to the app', async () => {
    const got = new Promise<string>((resolve) => t.built.platform.broker.subscribe('devices/+/readings', (_topic, payload) => resolve(payload.toString())));
    await new Promise((r) => setTimeout(r, 100));
    const device = await connect(deviceToken);
    await device.publishAsync('devices/water-meter-7/readings', JSON.stringify({ litres: 12.5 }), { qos: 1 });
    expect(JSON.parse(await got)).toEqual({ litres: 12.5 });
    await device.endAsync();
  });

  it('refuses a token without devices:ingest and a made-up one', async () => {
    await expect(connect(readerToken)).rejects.toThrow(/Not authorized|Bad username or password/i);
    await expect(connect('qct_forged')).rejects.toThrow(/Not authorized|Bad username or password/i);
  });
});
