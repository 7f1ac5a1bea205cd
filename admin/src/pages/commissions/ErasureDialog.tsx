import { useState } from 'react';
import { Box, Button, Flex, Modal, TextInput, Typography } from '@strapi/design-system';
import { Trash } from '@strapi/icons';
import { useErasure } from '../../api/reconciliation';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { FormField } from '../../components/FormField';
import { KeyValueList } from '../../components/Section';
import { useT } from '../../utils/useT';

/**
 * "Erase a user's data" (a privacy request): the user id, a confirmation saying what goes and what stays, then the
 * counts. The id lives only in the dialog's body (dropped when it closes) and is cleared as it is sent; the page
 * never shows it again.
 */
export function ErasureDialog({ onErased }: { onErased: () => void }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <Modal.Root open={open} onOpenChange={setOpen}>
      <Modal.Trigger>
        <Button variant="danger-light" startIcon={<Trash />} data-testid="erasure-open">
          {t('commissions.erasure.open', "Erase a user's data")}
        </Button>
      </Modal.Trigger>
      <Modal.Content>
        <Modal.Header closeLabel={t('actions.close', 'Close')}>
          <Modal.Title>{t('commissions.erasure.title', "Erase an end user's data")}</Modal.Title>
        </Modal.Header>
        {/* Mounted only while open: its state (the user id) goes with it. */}
        {open ? <ErasureSteps onErased={onErased} onDone={() => setOpen(false)} /> : null}
      </Modal.Content>
    </Modal.Root>
  );
}

type Step = 'ask' | 'confirm' | 'done';

function ErasureSteps({ onErased, onDone }: { onErased: () => void; onDone: () => void }) {
  const t = useT();
  const [step, setStep] = useState<Step>('ask');
  const [userId, setUserId] = useState('');
  const erasure = useErasure();
  const trimmed = userId.trim();

  const erase = async () => {
    const id = trimmed;
    setUserId(''); // sent once, not kept
    const result = await erasure.mutate(id);
    setStep(result ? 'done' : 'ask');
    if (result) onErased();
  };

  return (
    <>
      <Modal.Body>
        <Flex direction="column" alignItems="stretch" gap={4} data-testid={`erasure-step-${step}`}>
          {erasure.error ? (
            <ApiErrorAlert
              error={
                erasure.error.code === 'NO_WEBHOOK_SECRET'
                  ? {
                      ...erasure.error,
                      message: t(
                        'commissions.erasure.error.noSecret',
                        'The ledger keys user ids with the webhookSecret option: without it no user can be found. Set it and restart Strapi.'
                      ),
                    }
                  : erasure.error
              }
              onClose={erasure.reset}
            />
          ) : null}
          {step === 'ask' ? (
            <FormField
              name="erasure-user-id"
              label={t('commissions.erasure.userId', 'End user id')}
              hint={t(
                'commissions.erasure.userId.hint',
                'The id your site sends as user_id to the offers endpoint (Button calls it publisher_customer_id).'
              )}
            >
              <TextInput
                value={userId}
                autoComplete="off"
                spellCheck={false}
                onChange={(event: React.ChangeEvent<HTMLInputElement>) => setUserId(event.target.value)}
              />
            </FormField>
          ) : null}
          {step === 'confirm' ? <WhatIsErased /> : null}
          {step === 'done' && erasure.data ? (
            <Flex direction="column" alignItems="stretch" gap={3} data-testid="erasure-result">
              <Typography>
                {erasure.data.transactions === 0
                  ? t('commissions.erasure.result.none', 'The ledger held no transaction for this user: nothing to erase.')
                  : t('commissions.erasure.result.done', 'Done. The ledger no longer links these records to the user:')}
              </Typography>
              <KeyValueList
                items={[
                  {
                    label: t('commissions.erasure.result.transactions', 'Transactions anonymised'),
                    value: erasure.data.transactions,
                    testId: 'erasure-transactions',
                  },
                  {
                    label: t('commissions.erasure.result.events', 'Webhook events emptied'),
                    value: erasure.data.events,
                    testId: 'erasure-events',
                  },
                  {
                    label: t('commissions.erasure.result.deliveries', 'Notifications cleaned'),
                    value: erasure.data.deliveries,
                    testId: 'erasure-deliveries',
                  },
                ]}
              />
            </Flex>
          ) : null}
        </Flex>
      </Modal.Body>
      <Modal.Footer>
        {step === 'done' ? (
          <Box marginLeft="auto">
            <Button onClick={onDone}>{t('actions.close', 'Close')}</Button>
          </Box>
        ) : (
          <>
            <Modal.Close>
              <Button variant="tertiary">{t('actions.cancel', 'Cancel')}</Button>
            </Modal.Close>
            {step === 'ask' ? (
              <Button onClick={() => setStep('confirm')} disabled={trimmed.length === 0}>
                {t('actions.next', 'Next')}
              </Button>
            ) : (
              <Flex gap={2}>
                <Button variant="tertiary" onClick={() => setStep('ask')} disabled={erasure.isLoading}>
                  {t('actions.back', 'Back')}
                </Button>
                <Button variant="danger" startIcon={<Trash />} onClick={erase} loading={erasure.isLoading}>
                  {t('commissions.erasure.confirm', 'Erase')}
                </Button>
              </Flex>
            )}
          </>
        )}
      </Modal.Footer>
    </>
  );
}

/** Plain words for the confirmation: what goes, what stays for accounting, and that it cannot be undone. */
function WhatIsErased() {
  const t = useT();
  return (
    <Flex direction="column" alignItems="stretch" gap={3} data-testid="erasure-explanation">
      <Typography>
        {t(
          'commissions.erasure.removed',
          "Removed from every transaction of this user, its webhook events and pending notifications: the customer hash (the keyed hash of the user id), the pubRef and Button's raw payloads."
        )}
      </Typography>
      <Typography>
        {t(
          'commissions.erasure.kept',
          "Kept, for accounting: amounts and currencies, statuses, dates, the brand, Button's and the merchant's order ids."
        )}
      </Typography>
      <Typography fontWeight="semiBold">{t('commissions.erasure.irreversible', 'This cannot be undone.')}</Typography>
    </Flex>
  );
}
