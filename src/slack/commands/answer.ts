/** An ephemeral answer to `/negotiation`: the text, and blocks when it is longer than one line. */
import type { Block } from '../blocks/kit.js';

export interface Answer {
  text: string;
  blocks?: Block[];
}
