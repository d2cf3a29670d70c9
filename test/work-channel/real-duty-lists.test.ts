// The work channel with the real duty lists (权责清单) behind it, as the application composes
// them: a task citing an item on the township's lists reaches the community's inbox; an item of
// another township, an item taken back by an upper department and an item removed from the lists
// are refused, and nothing reaches anyone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../src/platform/context.js';
import { loginAs, makeSubtree, testApp, type Subtree, type TestApp } from '../support/app.js';

describe('work channel admitted by the duty lists', () => {
  let t: TestApp;
  let a: Subtree;
  let b: Subtree;
  let street: string;
  let community: string;
  let ownItem: number;
  let otherTownshipItem: number;
  let takenBack: number;

  const addItem = async (token: string, townshipId: number, listKind: string, name: string) => {
    const r = await t.call('POST', `/api/duty-lists/townships/${townshipId}/items`, { token, body: { listKind, name, category: '民政', reason: '街道会议审定加入清单' } });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().item.id as number;
  };

  beforeAll(async () => {
    t = await testApp();
    a = await makeSubtree(t);
    b = await makeSubtree(t);
    await t.built.modules.tree.service.createDepartment({ code: 'civil_affairs', name: '太原市民政局', shortName: '民政', nodeId: a.city.id }, systemContext('test'));
    street = (await loginAs(t, { role: 'street_staff', node: a.street })).token;
    const otherStreet = (await loginAs(t, { role: 'street_staff', node: b.street })).token;
    community = (await loginAs(t, { role: 'community_worker', node: a.community })).token;
    ownItem = await addItem(street, a.street.id, 'basic', '独居老人定期探访');
    takenBack = await addItem(street, a.street.id, 'taken_back', '户外广告设置审批');
    otherTownshipItem = await addItem(otherStreet, b.street.id, 'basic', '辖区消防安全巡查');
  });
  afterAll(() => t?.close());

  const task = (dutyItemId: number) => ({ kind: 'task', title: '排查独居老人冬季取暖情况', body: '请逐户排查并填写结果', dutyItemId, unitIds: [a.community.id], workingDays: 3 });

  it('delivers a task that cites an item on the township’s lists', async () => {
    const r = await t.call('POST', '/api/channel/tasks', { token: street, body: task(ownItem) });
    expect(r.statusCode, r.body).toBe(201);
    const inbox = (await t.call('GET', '/api/channel/inbox', { token: community })).json();
    expect(inbox.items.some((i: { title: string }) => i.title === '排查独居老人冬季取暖情况')).toBe(true);
  });

  it('refuses an item of another township, an item taken back, and an item removed from the lists', async () => {
    const before = (await t.call('GET', '/api/channel/inbox', { token: community })).json().total as number;
    const other = await t.call('POST', '/api/channel/tasks', { token: street, body: task(otherTownshipItem) });
    expect(other.statusCode, other.body).toBe(422);
    expect(other.json().error.code).toBe('DUTY_ITEM_NOT_ADMITTED');
    const back = await t.call('POST', '/api/channel/tasks', { token: street, body: task(takenBack) });
    expect(back.json().error.code).toBe('DUTY_ITEM_TAKEN_BACK');
    const removed = await t.call('POST', `/api/duty-lists/items/${ownItem}/remove`, { token: street, body: { reason: '事项已并入其他事项' } });
    expect(removed.statusCode, removed.body).toBe(200);
    const gone = await t.call('POST', '/api/channel/tasks', { token: street, body: task(ownItem) });
    expect(gone.json().error.code).toBe('DUTY_ITEM_NOT_ADMITTED');
    expect((await t.call('GET', '/api/channel/inbox', { token: community })).json().total).toBe(before);
  });
});
