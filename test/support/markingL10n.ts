import { formatMessage, type L10n } from '../../src/shared/l10n';

/**
 * A translator that marks what it translated: «message with its arguments». A person-facing path shows the
 * marks (nested ones too, when a translated part fills another message's placeholder); an agent path that
 * must stay English is given it nowhere, or shows none.
 */
export const markingL10n: L10n = { t: (message, ...args) => `«${formatMessage(message, args)}»` };
