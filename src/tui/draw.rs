//! Drawing: a pure function of the app state.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use super::app::{App, Overlay};
use super::grid::Cell;
use super::highlight::{Kind, highlight};
use super::keymap::{Focus, HELP};
use super::strings;
use super::take_settings::{ROWS, TakeSettings};
use crate::theory::note::{note_name, pitch_class_name};

fn kind_style(kind: Kind) -> Style {
    match kind {
        Kind::Keyword => Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        // Red like an error, but not underlined: the compiler has not said so yet.
        Kind::Unknown => Style::new().fg(Color::LightRed),
        Kind::TrackName => Style::new().fg(Color::White).add_modifier(Modifier::BOLD),
        Kind::Drum => Style::new().fg(Color::Yellow),
        Kind::Note => Style::new().fg(Color::Green),
        Kind::Rudiment => Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
        Kind::Number => Style::new().fg(Color::LightBlue),
        Kind::Operator => Style::new().fg(Color::Gray),
        Kind::Word => Style::new(),
        Kind::Comment => Style::new()
            .fg(Color::DarkGray)
            .add_modifier(Modifier::ITALIC),
        Kind::Quote => Style::new().fg(Color::DarkGray),
    }
}

fn pane(title: &str, focused: bool) -> Block<'_> {
    let style = if focused {
        Style::new().fg(Color::Cyan)
    } else {
        Style::new().fg(Color::DarkGray)
    };
    Block::new()
        .borders(Borders::ALL)
        .border_style(style)
        .title(title)
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let grid_height = (app.grid.rows.len() as u16 + 2)
        .clamp(3, 10)
        .min(area.height / 3);
    let [top, main, grid, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(grid_height),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let track_width = if area.width >= 100 { 34 } else { 26 };
    let [editor, tracks] =
        Layout::horizontal([Constraint::Min(30), Constraint::Length(track_width)]).areas(main);
    draw_transport(frame, app, top);
    draw_editor(frame, app, editor);
    draw_tracks(frame, app, tracks);
    draw_grid(frame, app, grid);
    draw_status(frame, app, status);
    frame.render_widget(
        Paragraph::new(strings::HINTS).style(Style::new().fg(Color::DarkGray)),
        hints,
    );
    if let Some(overlay) = &app.overlay {
        // The song's `map` lines join the keys in the help.
        let maps: Vec<String> = app
            .song
            .as_ref()
            .map(|s| s.maps.iter().map(|m| m.to_string()).collect())
            .unwrap_or_default();
        draw_overlay(frame, overlay, area, &maps, &app.take);
    }
}

fn draw_transport(frame: &mut Frame, app: &App, area: Rect) {
    let t = &app.telemetry;
    let (state, color) = if t.playing {
        (strings::PLAYING, Color::Green)
    } else {
        (strings::STOPPED, Color::Gray)
    };
    let meter = app
        .song_in_bar(app.telemetry.position.max(0.0).floor() as i64)
        .map(|s| s.tempo.meter)
        .unwrap_or_default();
    let position = t.position.max(0.0);
    let bar = position.floor() as i64 + 1;
    let beat = ((position - position.floor()) * f64::from(meter.beats)).floor() as i64 + 1;
    let name = app
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let left = vec![
        Span::styled(
            format!(" {state} "),
            Style::new().fg(color).add_modifier(Modifier::BOLD),
        ),
        Span::raw(match &t.clock {
            Some(clock) => format!(" {clock}  {}/{}  ", meter.beats, meter.unit),
            None => format!(
                " {:.1} BPM  {}/{}  ",
                app.performance.bpm, meter.beats, meter.unit
            ),
        }),
        Span::styled(
            format!("{bar}:{beat}"),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            app.arrangement_line()
                .map(|l| format!("  {l}"))
                .unwrap_or_default(),
            Style::new().fg(Color::Cyan),
        ),
    ];
    // The file's name and the unsaved marker always show, at the right; the output, xruns
    // and CPU get what room is left, in that order, a long output name shortened.
    let mut right = vec![Span::raw(format!("  {name}"))];
    if app.dirty() {
        right.push(Span::styled("  ● unsaved", Style::new().fg(Color::Yellow)));
    }
    right.push(Span::raw(" "));
    let width = |spans: &[Span]| spans.iter().map(|s| s.width()).sum::<usize>();
    let right_width = width(&right).min(usize::from(area.width)) as u16;
    let mut room = usize::from(area.width.saturating_sub(right_width)).saturating_sub(width(&left));
    let mut spans = left;
    for (i, part) in [
        format!("  out: {}", app.output()),
        format!("  xruns {}", t.underruns),
        format!("  cpu {:.0}%", app.cpu * 100.0),
    ]
    .into_iter()
    .enumerate()
    {
        let w = part.chars().count();
        if w <= room {
            room -= w;
            spans.push(Span::raw(part));
        } else if i == 0 && room > 8 {
            let cut: String = part.chars().take(room - 1).collect();
            spans.push(Span::raw(format!("{cut}…")));
            room = 0;
        }
    }
    let [left_area, right_area] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(right_width)]).areas(area);
    let bar_style = Style::new().bg(Color::Black);
    frame.render_widget(
        Paragraph::new(Line::from(spans)).style(bar_style),
        left_area,
    );
    frame.render_widget(
        Paragraph::new(Line::from(right))
            .style(bar_style)
            .alignment(Alignment::Right),
        right_area,
    );
}

fn draw_editor(frame: &mut Frame, app: &App, area: Rect) {
    let block = pane(strings::EDITOR, app.focus == Focus::Editor);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = inner.height as usize;
    let cursor = app.editor.cursor();
    // Keep the cursor on screen without mutating the state.
    let mut scroll = app.editor.scroll;
    if cursor.line < scroll {
        scroll = cursor.line;
    } else if height > 0 && cursor.line >= scroll + height {
        scroll = cursor.line + 1 - height;
    }
    let gutter = 4usize;
    let mut lines = Vec::new();
    for (i, text) in app
        .editor
        .lines()
        .iter()
        .enumerate()
        .skip(scroll)
        .take(height)
    {
        let line_start = app.editor.line_offset(i);
        let line_end = line_start + text.len();
        let errors: Vec<(usize, usize)> = app
            .diagnostics
            .iter()
            .filter(|d| {
                d.span.start < line_end.max(line_start + 1)
                    && d.span.end.max(d.span.start + 1) > line_start
            })
            .map(|d| {
                (
                    d.span.start.saturating_sub(line_start),
                    (d.span.end.max(d.span.start + 1) - line_start).min(text.len().max(1)),
                )
            })
            .collect();
        let has_error = !errors.is_empty();
        let mut spans = vec![Span::styled(
            format!("{:>3} ", i + 1),
            Style::new().fg(if has_error {
                Color::Red
            } else {
                Color::DarkGray
            }),
        )];
        let mut styles = vec![Style::new(); text.len()];
        for (range, kind) in highlight(text) {
            for s in &mut styles[range] {
                *s = kind_style(kind);
            }
        }
        for (a, b) in &errors {
            for s in styles.iter_mut().take(*b).skip(*a) {
                *s = s.fg(Color::Red).add_modifier(Modifier::UNDERLINED);
            }
        }
        let mut start = 0;
        for (i, ch) in text.char_indices() {
            let end = i + ch.len_utf8();
            if end == text.len() || styles.get(end) != styles.get(start) {
                spans.push(Span::styled(&text[start..end], styles[start]));
                start = end;
            }
        }
        if text.is_empty() && has_error {
            spans.push(Span::styled(
                " ",
                Style::new()
                    .add_modifier(Modifier::UNDERLINED)
                    .fg(Color::Red),
            ));
        }
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), inner);
    if app.focus == Focus::Editor && app.overlay.is_none() {
        let col = cursor.col + gutter;
        let row = cursor.line.saturating_sub(scroll);
        if row < height && col < inner.width as usize {
            frame.set_cursor_position(Position::new(inner.x + col as u16, inner.y + row as u16));
        }
    }
}

fn draw_tracks(frame: &mut Frame, app: &App, area: Rect) {
    let block = pane(strings::TRACKS, app.focus == Focus::Tracks);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let name_width = inner.width.saturating_sub(16).max(4) as usize;
    let mut lines: Vec<Line> = Vec::new();
    for (i, t) in app.tracks.iter().enumerate() {
        lines.push({
            let selected = i == app.selected && app.focus == Focus::Tracks;
            let silent = app.is_silent(i);
            let name_style = if silent {
                Style::new().fg(Color::DarkGray)
            } else {
                Style::new()
            };
            let marker = if selected { "▸" } else { " " };
            let muted = app.performance.muted.contains(&t.name) || t.muted_in_source;
            let solo = app.performance.soloed.contains(&t.name);
            let bars = (t.meter * 4.0).round() as usize;
            let mut name: String = t.name.chars().take(name_width).collect();
            while name.chars().count() < name_width {
                name.push(' ');
            }
            Line::from(vec![
                Span::raw(marker),
                Span::styled(
                    name,
                    name_style.add_modifier(if selected {
                        Modifier::REVERSED
                    } else {
                        Modifier::empty()
                    }),
                ),
                Span::styled(
                    format!(" {:>2} ", t.channel),
                    Style::new().fg(Color::DarkGray),
                ),
                Span::styled(
                    if muted { "M" } else { "·" },
                    Style::new().fg(if muted { Color::Red } else { Color::DarkGray }),
                ),
                Span::styled(
                    if solo { "S" } else { "·" },
                    Style::new().fg(if solo { Color::Yellow } else { Color::DarkGray }),
                ),
                Span::styled(
                    format!(" {:<4}", "▮".repeat(bars)),
                    Style::new().fg(Color::Green),
                ),
            ])
        });
        // Under the track, where it goes: a long port list is cut short, never wrapped.
        if let Some(output) = app.output_line(i) {
            let room = usize::from(inner.width).saturating_sub(3);
            let mut text: String = output.chars().take(room).collect();
            if output.chars().count() > room && room > 0 {
                text.pop();
                text.push('…');
            }
            lines.push(Line::styled(
                format!("   {text}"),
                Style::new().fg(Color::DarkGray),
            ));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// A block character whose height follows the velocity.
fn velocity_glyph(v: u8) -> char {
    const GLYPHS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    if v == 0 {
        '·'
    } else {
        GLYPHS[(usize::from(v) * 8 / 128).min(7)]
    }
}

/// What a cell of `cell_width` characters shows: a melodic note's name when it fits (with a
/// space after it), else the velocity as a bar; a dot for an empty step.
fn cell_text(cell: Cell, melodic: bool, cell_width: usize) -> String {
    let mut text = if cell.velocity == 0 {
        "·".to_string()
    } else if melodic {
        let name = note_name(cell.key);
        let class = pitch_class_name(cell.key);
        if name.chars().count() < cell_width {
            name
        } else if class.chars().count() < cell_width {
            class.to_string()
        } else {
            velocity_glyph(cell.velocity).to_string()
        }
    } else {
        velocity_glyph(cell.velocity).to_string()
    };
    let used = text.chars().count();
    text.push_str(&" ".repeat(cell_width.saturating_sub(used)));
    text
}

/// Merges `cells` into groups of `factor` steps, keeping each group's loudest onset (for a
/// grid finer than the screen).
fn merged(cells: &[Cell], factor: usize) -> Vec<Cell> {
    cells
        .chunks(factor.max(1))
        .map(|group| {
            group
                .iter()
                .copied()
                .max_by_key(|c| c.velocity)
                .unwrap_or_default()
        })
        .collect()
}

fn draw_grid(frame: &mut Frame, app: &App, area: Rect) {
    let grid = &app.grid;
    let visible = usize::from(area.height.saturating_sub(2));
    // Keep the selected track's rows on screen when there are more rows than fit.
    let first_selected = grid
        .rows
        .iter()
        .position(|r| r.track == app.selected)
        .unwrap_or(0);
    let last_selected = grid
        .rows
        .iter()
        .rposition(|r| r.track == app.selected)
        .unwrap_or(0);
    let offset = if grid.rows.len() <= visible {
        0
    } else {
        (last_selected + 1)
            .saturating_sub(visible)
            .min(first_selected)
            .min(grid.rows.len() - visible)
    };
    let mut title = format!(" bar {} ", app.grid_bar + 1);
    if grid.rows.len() > visible && visible > 0 {
        title.push_str(&format!(
            "· rows {}–{} of {} ",
            offset + 1,
            (offset + visible).min(grid.rows.len()),
            grid.rows.len()
        ));
    }
    let block = pane(strings::GRID, false).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let name_width = 10usize;
    let room = (inner.width as usize).saturating_sub(name_width).max(1);
    let steps = grid.steps.max(1);
    let factor = steps.div_ceil(room);
    let columns = steps.div_ceil(factor);
    let cell_width = (room / columns).clamp(1, 4);
    let position = app.telemetry.position.max(0.0);
    let playhead = ((position - position.floor()) * columns as f64).floor() as usize;
    let beat = if grid.per_beat > 0 && grid.per_beat.is_multiple_of(factor) {
        grid.per_beat / factor
    } else {
        0
    };
    let lines: Vec<Line> = grid
        .rows
        .iter()
        .skip(offset)
        .take(visible)
        .map(|row| {
            let silent = app.is_silent_named(&row.name);
            let mut spans = vec![Span::styled(
                format!(
                    "{:<width$}",
                    row.label().chars().take(name_width - 1).collect::<String>(),
                    width = name_width
                ),
                Style::new().fg(if silent {
                    Color::DarkGray
                } else {
                    Color::White
                }),
            )];
            for (c, cell) in merged(&row.cells, factor).into_iter().enumerate() {
                let mut style = Style::new().fg(if silent {
                    Color::DarkGray
                } else if beat > 0 && c % beat == 0 {
                    Color::LightYellow
                } else {
                    Color::Yellow
                });
                if app.telemetry.playing && c == playhead {
                    style = style.bg(Color::Blue);
                }
                spans.push(Span::styled(
                    cell_text(cell, row.melodic, cell_width),
                    style,
                ));
            }
            Line::from(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_status(frame: &mut Frame, app: &App, area: Rect) {
    let line = match app.first_error() {
        Some((line, col, d)) => {
            let more = app.diagnostics.len().saturating_sub(1);
            let mut text = format!(" ✗ {line}:{col} {}", d.message);
            if let Some(help) = &d.help {
                text.push_str(&format!(" — {help}"));
            }
            if more > 0 {
                text.push_str(&format!(" (+{more} more, Ctrl-E to jump)"));
            }
            Line::styled(text, Style::new().fg(Color::Red))
        }
        None => {
            let mut spans = vec![Span::styled(
                format!(" {}", app.status),
                Style::new().fg(Color::Green),
            )];
            if app.edited_not_sent() && app.status != strings::EDITED_NOT_SENT {
                spans.push(Span::styled(
                    strings::NOT_SENT_MARK,
                    Style::new().fg(Color::Yellow),
                ));
            }
            Line::from(spans)
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// The help's lines for an inside width of `width`: the keys in a column `keys` wide, and what
/// they do beside them, wrapped at word boundaries onto lines of their own when it does not
/// fit, so no entry is ever cut off.
fn help_lines(keys: usize, width: usize, maps: &[String]) -> Vec<Line<'static>> {
    let room = width.saturating_sub(keys).max(12);
    let mut out = Vec::new();
    let mapped: Vec<(&str, &str)> = maps
        .iter()
        .map(|m| (strings::MAP_KEY, m.as_str()))
        .collect();
    for (k, what) in HELP.iter().copied().chain(mapped) {
        let mut rows: Vec<String> = vec![String::new()];
        for word in what.split(' ') {
            let last = rows.last_mut().expect("a row");
            if !last.is_empty() && last.chars().count() + 1 + word.chars().count() > room {
                rows.push(word.to_string());
            } else {
                if !last.is_empty() {
                    last.push(' ');
                }
                last.push_str(word);
            }
        }
        for (i, row) in rows.into_iter().enumerate() {
            let key = if i == 0 { k } else { "" };
            out.push(Line::from(vec![
                Span::styled(format!("{key:<keys$}"), Style::new().fg(Color::Cyan)),
                Span::raw(row),
            ]));
        }
    }
    out
}

fn draw_overlay(
    frame: &mut Frame,
    overlay: &Overlay,
    area: Rect,
    maps: &[String],
    take: &TakeSettings,
) {
    match overlay {
        Overlay::Help => {
            let controller = if maps.is_empty() {
                0
            } else {
                strings::MAP_KEY.chars().count()
            };
            let keys = HELP
                .iter()
                .map(|(k, _)| k.chars().count())
                .max()
                .unwrap_or(0)
                .max(controller)
                + 2;
            let what = HELP
                .iter()
                .map(|(_, w)| w.chars().count())
                .max()
                .unwrap_or(0);
            let width = ((keys + what + 2) as u16).min(area.width);
            let lines = help_lines(keys, usize::from(width.saturating_sub(2)), maps);
            let rect = centered(area, width, lines.len() as u16 + 2);
            frame.render_widget(Clear, rect);
            frame.render_widget(
                Paragraph::new(lines).block(pane(strings::HELP_TITLE, true)),
                rect,
            );
        }
        Overlay::QuitConfirm | Overlay::Recover(_) | Overlay::ChangedOnDisk { .. } => {
            let text = match overlay {
                Overlay::QuitConfirm => strings::QUIT_PROMPT,
                Overlay::Recover(_) => strings::RECOVER_PROMPT,
                _ => strings::CHANGED_ON_DISK_PROMPT,
            };
            let rect = centered(area, 60, 5);
            frame.render_widget(Clear, rect);
            frame.render_widget(
                Paragraph::new(text)
                    .wrap(Wrap { trim: true })
                    .block(pane(" flam ", true)),
                rect,
            );
        }
        Overlay::Record(at) => {
            let lines: Vec<Line> = ROWS
                .iter()
                .enumerate()
                .map(|(i, &row)| {
                    let (label, value) = take.row(row);
                    let style = if i == *at {
                        Style::new().add_modifier(Modifier::REVERSED)
                    } else {
                        Style::new()
                    };
                    Line::styled(format!(" {label:<9} ‹ {value} ›"), style)
                })
                .chain([
                    Line::raw(""),
                    Line::raw(format!(" {}", strings::RECORD_KEYS)),
                ])
                .collect();
            let rect = centered(area, 48, lines.len() as u16 + 2);
            frame.render_widget(Clear, rect);
            frame.render_widget(
                Paragraph::new(lines).block(pane(strings::RECORD_TITLE, true)),
                rect,
            );
        }
        Overlay::Outputs(list, at) | Overlay::Sections(list, at) => {
            let title = match overlay {
                Overlay::Sections(..) => strings::SECTIONS_TITLE,
                _ => strings::OUTPUTS_TITLE,
            };
            let rect = centered(area, 60, list.len() as u16 + 2);
            let lines: Vec<Line> = list
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let style = if i == *at {
                        Style::new().add_modifier(Modifier::REVERSED)
                    } else {
                        Style::new()
                    };
                    Line::styled(format!(" {name}"), style)
                })
                .collect();
            frame.render_widget(Clear, rect);
            frame.render_widget(Paragraph::new(lines).block(pane(title, true)), rect);
        }
    }
}
