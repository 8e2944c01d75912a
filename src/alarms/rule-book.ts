import type { Db } from '../store/database.js';
import type { AlarmService } from './alarm-service.js';
import { parseRules, rulesToYaml, validateRules, type LinkageRule, type RuleProblem, type RuleTargets } from './rules.js';

/**
 * The rules in force: those of the configuration until an admin saves others on the page (kept in
 * the database, newest wins). Every save is validated first, targets included.
 */
export class RuleBook {
  private yaml = '';
  private parsed: LinkageRule[] = [];

  constructor(private readonly deps: { db: () => Db; configured: unknown[]; targets: RuleTargets; service: AlarmService }) {}

  /** Loads the saved rules (or the configured ones); an invalid configured set fails the start. */
  load(): void {
    const saved = this.deps.db().prepare<[], { yaml: string }>('SELECT yaml FROM alarm_rulesets ORDER BY id DESC LIMIT 1').get();
    this.yaml = saved ? saved.yaml : rulesToYaml(this.deps.configured);
    this.parsed = parseRules(saved ? saved.yaml : this.deps.configured);
    this.deps.service.setRules(this.parsed);
  }

  rules(): LinkageRule[] {
    return this.parsed;
  }

  current(): { yaml: string; rules: LinkageRule[] } {
    return { yaml: this.yaml, rules: this.parsed };
  }

  validate(yaml: string): Promise<{ rules: LinkageRule[]; warnings: RuleProblem[] }> {
    return validateRules(yaml, this.deps.targets);
  }

  async save(yaml: string, by: string): Promise<{ yaml: string; rules: LinkageRule[]; warnings: RuleProblem[] }> {
    const { rules, warnings } = await this.validate(yaml);
    this.deps.db().prepare('INSERT INTO alarm_rulesets (yaml, saved_by, saved_at) VALUES (?, ?, ?)').run(yaml, by, new Date().toISOString());
    this.yaml = yaml;
    this.parsed = rules;
    this.deps.service.setRules(rules);
    return { yaml, rules, warnings };
  }
}
