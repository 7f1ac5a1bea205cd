import type { ReactNode } from 'react';
import { Field, Grid } from '@strapi/design-system';

interface FormFieldProps {
  name: string;
  label: string;
  hint?: string;
  /** The server's message for this field (a 400's `fieldErrors`), shown under it. */
  error?: string;
  required?: boolean;
  /** In a Grid.Root: the columns out of 12 the field's cell takes, then on small and extra-small screens. */
  cols?: readonly [number, number?, number?];
  /** The input; Field.Root gives it the label, hint and error. */
  children: ReactNode;
}

/** A labelled form field with its hint and the server's message for it, the way the plugin's forms lay them out. */
export function FormField({ name, label, hint, error, required, cols, children }: FormFieldProps) {
  const field = (
    <Field.Root name={name} required={required} error={error} hint={hint}>
      <Field.Label>{label}</Field.Label>
      {children}
      <Field.Hint />
      <Field.Error />
    </Field.Root>
  );
  if (!cols) return field;
  return (
    <Grid.Item col={cols[0]} s={cols[1]} xs={cols[2]} direction="column" alignItems="stretch">
      {field}
    </Grid.Item>
  );
}
