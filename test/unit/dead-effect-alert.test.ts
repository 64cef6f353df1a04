/** The alert for an effect given up on says where the negotiation really is. */
import { describe, expect, it } from 'vitest';
import { deadEffectAlert } from '../../src/service/index.js';

describe('the dead-effect alert', () => {
  it('says the negotiation went to people when an email or a model call was given up on', () => {
    expect(deadEffectAlert('sendEmail', 'neg_1', 'Gmail 400')).toBe(
      'Gave up on sendEmail for negotiation neg_1: Gmail 400. The negotiation went to people.',
    );
  });

  it('does not claim anyone was told when the Slack post itself was given up on', () => {
    for (const kind of ['postAgreement', 'postEscalation', 'requestApproval', 'postNotice']) {
      const text = deadEffectAlert(kind, 'neg_2', 'not_in_channel');
      expect(text).not.toContain('went to people');
      expect(text).toContain('`/negotiation status neg_2`');
    }
  });
});
