import { useState, type FormEvent } from 'react';
import { Badge, Button, Flex, Grid, TextInput, Toggle, Typography } from '@strapi/design-system';
import { Check } from '@strapi/icons';
import { Page, useNotification } from '@strapi/strapi/admin';
import { useSaveSettings, useSettings } from '../../api/settings';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { FormField } from '../../components/FormField';
import { PluginPage } from '../../components/PluginPage';
import { KeyValueList, Section } from '../../components/Section';
import { useT } from '../../utils/useT';

/** `{set: boolean}` is how the server reports a secret: never its value. */
const isSecret = (value: unknown): value is { set: boolean } =>
  typeof value === 'object' &&
  value !== null &&
  Object.keys(value).length === 1 &&
  typeof (value as { set?: unknown }).set === 'boolean';

/** Flattens the effective configuration into dotted keys for display. */
function flatten(value: Record<string, unknown>, prefix = ''): Array<[string, unknown]> {
  return Object.entries(value).flatMap(([key, inner]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (inner && typeof inner === 'object' && !Array.isArray(inner) && !isSecret(inner))
      return flatten(inner as Record<string, unknown>, path);
    return [[path, inner] as [string, unknown]];
  });
}

/** The effective configuration (secrets masked) and the runtime settings an admin may change. */
export function SettingsPage() {
  const t = useT();
  const settings = useSettings();

  if (settings.isLoading && !settings.data) return <Page.Loading />;
  if (!settings.data) return <Page.Error />;
  const { offers } = settings.data;

  const display = (value: unknown) => {
    if (isSecret(value)) {
      return (
        <Badge variant={value.set ? 'success' : 'neutral'}>
          {value.set ? t('settings.secret.set', 'Set (hidden)') : t('settings.secret.notSet', 'Not set')}
        </Badge>
      );
    }
    if (value === undefined || value === null) return '-';
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  };

  return (
    <PluginPage
      tab="settings"
      subtitle={t('settings.subtitle', 'What the plugin runs with, and what an admin may change without a restart.')}
    >
      <Flex direction="column" alignItems="stretch" gap={6}>
        {settings.error ? <ApiErrorAlert error={settings.error} /> : null}
        <Section title={t('settings.runtime.title', 'Runtime settings')}>
          {/* Keyed by the saved values: the form starts again from them after a save or a reload. */}
          <RuntimeSettingsForm
            key={`${offers.includeUnmapped}|${offers.defaultHeadlineTemplate}`}
            initial={offers}
            onSaved={settings.refetch}
          />
        </Section>
        <Section title={t('settings.effective.title', 'Effective configuration')}>
          <Typography variant="pi" textColor="neutral600">
            {t(
              'settings.effective.hint',
              'From config/plugins and the environment, read at boot. Secrets show only whether they are set.'
            )}
          </Typography>
          <KeyValueList items={flatten(settings.data.effective).map(([key, value]) => ({ label: key, value: display(value) }))} />
        </Section>
      </Flex>
    </PluginPage>
  );
}

interface RuntimeSettingsFormProps {
  initial: { includeUnmapped: boolean; defaultHeadlineTemplate: string };
  onSaved: () => void;
}

/** The runtime settings form: its state starts from the saved values (see the `key` where it is rendered). */
function RuntimeSettingsForm({ initial, onSaved }: RuntimeSettingsFormProps) {
  const t = useT();
  const save = useSaveSettings();
  const { toggleNotification } = useNotification();
  const [includeUnmapped, setIncludeUnmapped] = useState(initial.includeUnmapped);
  const [template, setTemplate] = useState(initial.defaultHeadlineTemplate);
  const errors = save.error?.fieldErrors ?? {};

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const saved = await save.mutate({ includeUnmapped, defaultHeadlineTemplate: template });
    if (saved) {
      toggleNotification({ type: 'success', message: t('settings.saved', 'Settings saved: the offers endpoint uses them now.') });
      onSaved();
    }
  };

  return (
    <form onSubmit={submit} aria-label={t('settings.runtime.title', 'Runtime settings')}>
      <Flex direction="column" alignItems="stretch" gap={4}>
        <Grid.Root gap={4}>
          <FormField
            name="includeUnmapped"
            label={t('settings.includeUnmapped.label', 'Include unmapped merchants')}
            hint={t(
              'settings.includeUnmapped.hint',
              "Serve offers of merchants without a published entry (with Button's display params only)."
            )}
            error={errors.includeUnmapped}
            cols={[6, 12]}
          >
            <Toggle
              checked={includeUnmapped}
              onLabel={t('settings.on', 'On')}
              offLabel={t('settings.off', 'Off')}
              onChange={(event: React.ChangeEvent<HTMLInputElement>) => setIncludeUnmapped(event.target.checked)}
            />
          </FormField>
          <FormField
            name="defaultHeadlineTemplate"
            label={t('settings.template.label', 'Default headline template')}
            hint={t('settings.template.hint', 'Used when an entry has no headline template; {rate} and {name} are filled in.', {
              rate: '{rate}',
              name: '{name}',
            })}
            error={errors.defaultHeadlineTemplate}
            cols={[6, 12]}
          >
            <TextInput
              value={template}
              onChange={(event: React.ChangeEvent<HTMLInputElement>) => setTemplate(event.target.value)}
            />
          </FormField>
        </Grid.Root>
        {save.error && Object.keys(errors).length === 0 ? <ApiErrorAlert error={save.error} /> : null}
        <Flex justifyContent="flex-end">
          <Button type="submit" startIcon={<Check />} loading={save.isLoading}>
            {t('settings.save', 'Save')}
          </Button>
        </Flex>
      </Flex>
    </form>
  );
}
