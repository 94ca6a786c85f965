// The GOV.UK error pattern for every form: an error summary at the top ("There is a problem", each
// problem a link to its field) and the same words by the field, the page title prefixed "Error: "
// (layout.njk, errorTitle). The form is shown again with what was typed.

/** One problem with what was typed: the element it is about (its id) and what to do. */
export interface FormError {
  /** The id of the input to move to: a date input's first box (`<id>-day`), a radios' first option. */
  href: string;
  /** The field's key in the form, for the message by the field. */
  key: string;
  text: string;
}

export class FormErrors {
  readonly list: FormError[] = [];

  add(key: string, text: string, href: string = key): void {
    // One message per field: the first found is the one to fix first.
    if (this.list.some((e) => e.key === key)) return;
    this.list.push({ key, text, href });
  }

  get any(): boolean {
    return this.list.length > 0;
  }

  /** The message by a field, as GOV.UK Frontend's components take it (`errorMessage`). */
  messageFor(key: string): { text: string } | undefined {
    const found = this.list.find((e) => e.key === key);
    return found ? { text: found.text } : undefined;
  }

  /** Every field's message by key, for a template. */
  byKey(): Record<string, { text: string }> {
    return Object.fromEntries(this.list.map((e) => [e.key, { text: e.text }]));
  }

  /** govukErrorSummary's parameters. */
  summary(): { titleText: string; errorList: Array<{ text: string; href: string }> } {
    return { titleText: 'There is a problem', errorList: this.list.map((e) => ({ text: e.text, href: `#${e.href}` })) };
  }
}
