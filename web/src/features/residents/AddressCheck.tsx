// The two addresses of a resident (docs/decisions/0021): the linked house is the source of truth;
// a free-text 现住址 that says another place is flagged here, on the card and in the to-do list,
// with a one-tap fix that takes the house's address. (If the house link is what is wrong, the
// worker changes the house instead.) Certificates print an address only once the two agree.
import { App, Alert, Button, Flex } from 'antd';
import { useState } from 'react';
import type { ApiError } from '../../api/client';
import { call, type ResponseOf } from '../../api/typed';
import { useAuth } from '../../auth/AuthContext';
import { useI18n } from '../../i18n';

type ResidentCard = ResponseOf<'/api/residents/{id}'>;

/** announce: say it was corrected (off where the caller says so itself). */
export function AddressMismatch({ card, onFixed, announce = true }: { card: ResidentCard; onFixed(): void; announce?: boolean }) {
  const { t } = useI18n();
  const { can } = useAuth();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const a = card.address;
  if (!a || a.status !== 'mismatch') return null;
  const takeHouse = async () => {
    setBusy(true);
    try {
      await call.patch('/api/residents/{id}', { path: { id: card.resident.id }, body: { version: card.resident.version, address: a.house, reason: '现住址按所住房屋更正' } });
      if (announce) message.success(t('已按所住房屋更正现住址', 'Address corrected from the linked house'));
      onFixed();
    } catch (e) {
      message.error((e as ApiError).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="resident-address-mismatch"
      style={{ marginBottom: 12 }}
      title={t('现住址与所住房屋不一致', 'The address differs from the linked house')}
      description={
        <Flex vertical gap={8}>
          <span>
            {t('登记的现住址：{a}；所住房屋：{h}。以所住房屋为准；未更正前，需要写明住址的证明不能出具。', 'Address entered: {a}; linked house: {h}. The house is the source of truth; certificates that state an address cannot be issued until the two agree.', { a: a.text ?? '', h: a.house ?? '' })}
          </span>
          {can('registry:write') ? (
            <Button onClick={() => void takeHouse()} loading={busy} style={{ alignSelf: 'flex-start', minHeight: 44 }} data-testid="resident-address-take-house">
              {t('按所住房屋更正现住址', 'Take the house’s address')}
            </Button>
          ) : null}
        </Flex>
      }
    />
  );
}
