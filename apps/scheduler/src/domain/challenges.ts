// Daily challenges (seed 004's exercises: a category, a difficulty and a reward), drawn for each day
// from a catalogue with the date as the seed, so every scheduler instance (and a re-run of the
// job) draws the same three for a day: one easy, one medium, one hard.
import { createHash } from 'node:crypto';

export const CATEGORIES = ['battle', 'collection', 'strategy'] as const;
export const DIFFICULTIES = ['easy', 'medium', 'hard'] as const;
export type Difficulty = (typeof DIFFICULTIES)[number];

export interface ChallengeTemplate {
  key: string;
  category: (typeof CATEGORIES)[number];
  difficulty: Difficulty;
  title: string;
  /** What counts, checked against the pokemon service's battles of the day. */
  goal: { wins: number; mode?: 'ai' | 'pvp'; format?: string };
  reward_points: number;
}

export const CATALOGUE: readonly ChallengeTemplate[] = [
  {
    key: 'first-win',
    category: 'battle',
    difficulty: 'easy',
    title: 'Win a battle against the AI',
    goal: { wins: 1, mode: 'ai' },
    reward_points: 10,
  },
  {
    key: 'lc-win',
    category: 'strategy',
    difficulty: 'easy',
    title: 'Win a Little Cup battle',
    goal: { wins: 1, format: 'gen9lc' },
    reward_points: 15,
  },
  {
    key: 'ou-win',
    category: 'battle',
    difficulty: 'easy',
    title: 'Win an OU battle',
    goal: { wins: 1, format: 'gen9ou' },
    reward_points: 10,
  },
  {
    key: 'three-ai',
    category: 'battle',
    difficulty: 'medium',
    title: 'Win three battles against the AI',
    goal: { wins: 3, mode: 'ai' },
    reward_points: 30,
  },
  {
    key: 'pvp-win',
    category: 'battle',
    difficulty: 'medium',
    title: 'Beat another trainer',
    goal: { wins: 1, mode: 'pvp' },
    reward_points: 40,
  },
  {
    key: 'ubers-two',
    category: 'collection',
    difficulty: 'medium',
    title: 'Win two Ubers battles',
    goal: { wins: 2, format: 'gen9ubers' },
    reward_points: 35,
  },
  {
    key: 'pvp-three',
    category: 'battle',
    difficulty: 'hard',
    title: 'Beat three other trainers',
    goal: { wins: 3, mode: 'pvp' },
    reward_points: 100,
  },
  {
    key: 'ai-ten',
    category: 'strategy',
    difficulty: 'hard',
    title: 'Win ten battles against the AI',
    goal: { wins: 10, mode: 'ai' },
    reward_points: 80,
  },
  {
    key: 'uu-five',
    category: 'collection',
    difficulty: 'hard',
    title: 'Win five UU battles',
    goal: { wins: 5, format: 'gen9uu' },
    reward_points: 90,
  },
];

/** The day's three challenges (UTC date "YYYY-MM-DD"): one per difficulty. */
export function challengesFor(date: string): ChallengeTemplate[] {
  return DIFFICULTIES.map((difficulty) => {
    const options = CATALOGUE.filter((c) => c.difficulty === difficulty);
    const digest = createHash('sha256').update(`${date}:${difficulty}`).digest();
    return options[digest.readUInt32BE(0) % options.length]!;
  });
}
