import { cloneElement, type ReactElement, useId } from 'react';

/** A form control with its label above it; the label names the control and nothing else. */
export function Field({ label, children }: { label: string; children: ReactElement<{ id?: string }> }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, { id })}
    </div>
  );
}
