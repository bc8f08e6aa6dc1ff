// The AI's team: a random-battle team from @pkmn/randoms (Pokémon Showdown's own generator, sets
// that make sense together), drawn from a seed so a battle's setup can always be rebuilt. In a
// format with a level cap (Little Cup: 5) the team plays at the cap.
import { createHash } from 'node:crypto';
import { Dex, Teams } from '@pkmn/sim';
import type { PokemonSet, PRNGSeed } from '@pkmn/sim';
import { TeamGenerators } from '@pkmn/randoms';
import type { FormatId } from './sets';

Teams.setGeneratorFactory(TeamGenerators);

export const HOUSE_NAME = 'Gameday AI';

export function houseTeam(format: FormatId, battleSeed: string): PokemonSet[] {
  const digest = createHash('sha256').update(`house:${battleSeed}`).digest('hex');
  const team = Teams.generate('gen9randombattle', { seed: `gen5,${digest.slice(0, 16)}` as PRNGSeed });
  const cap = Dex.formats.getRuleTable(Dex.formats.get(format)).maxLevel;
  return cap < 100 ? team.map((s) => ({ ...s, level: Math.min(s.level, cap) })) : team;
}
