import { t } from '../../i18n/index.js';
import { speakerLabel, type Speaker, type SpeakerGroup, type Targets } from '../../lib/broadcast.js';
import { groupName } from '../../lib/site.js';
import { StatusDot } from '../DeviceHealth.js';

const toggle = (list: readonly string[], value: string, on: boolean) => (on ? [...new Set([...list, value])] : list.filter((v) => v !== value));

/** Checkboxes for speaker groups and (unless groupsOnly) single speakers. */
export function TargetPicker({ speakers, groups, value, onChange, groupsOnly = false, idPrefix }: {
  speakers: readonly Speaker[];
  groups: readonly SpeakerGroup[];
  value: Targets;
  onChange: (next: Targets) => void;
  groupsOnly?: boolean;
  idPrefix: string;
}) {
  return (
    <fieldset class="targets">
      <legend>{t('broadcast.targets')}</legend>
      <div class="checks" role="group" aria-label={t('broadcast.groups')}>
        <span class="muted">{t('broadcast.groups')}</span>
        {groups.map((g) => (
          <label key={g.name} class="check" for={`${idPrefix}-g-${g.name}`}>
            <input
              id={`${idPrefix}-g-${g.name}`}
              type="checkbox"
              data-group={g.name}
              checked={value.groups.includes(g.name)}
              onChange={(e) => onChange({ ...value, groups: toggle(value.groups, g.name, e.currentTarget.checked) })}
            />
            {groupName(g.name)} <span class="muted">({g.speakers.length})</span>
          </label>
        ))}
        {groups.length === 0 && <span class="muted">{t('broadcast.noGroups')}</span>}
      </div>
      {!groupsOnly && (
        <div class="checks" role="group" aria-label={t('broadcast.speakers')}>
          <span class="muted">{t('broadcast.speakers')}</span>
          {speakers.map((s) => (
            <label key={s.id} class="check" for={`${idPrefix}-s-${s.id}`}>
              <input
                id={`${idPrefix}-s-${s.id}`}
                type="checkbox"
                data-speaker={s.id}
                checked={value.speakers.includes(s.id)}
                onChange={(e) => onChange({ ...value, speakers: toggle(value.speakers, s.id, e.currentTarget.checked) })}
              />
              <StatusDot online={s.availability === 'online' ? true : s.availability === 'offline' ? false : null} /> {speakerLabel(s)}
            </label>
          ))}
        </div>
      )}
    </fieldset>
  );
}
