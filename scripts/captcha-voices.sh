#!/usr/bin/env bash
# Regenerates the spoken digits of the audio captcha (crates/twnhi-notify/assets/captcha/).
#
# Each digit 0–9 is synthesised by espeak-ng in Mandarin (零 一 二 三 四 五 六 七 八 九) and in
# English (zero … nine), each in two voices (espeak-ng's default male voice and its "f3" female
# variant). sox then removes rumble below 80 Hz, trims the silence at both ends, fades the
# first 5 ms and the last 15 ms, resamples, normalises the peak to -1 dBFS and stores it as
# headerless G.711 µ-law (8 bits a sample, 8000 samples a second, mono): 40 files of 2–4 KB,
# about 125 KB in all. The crate embeds them with include_bytes! (src/captcha/voices.rs).
#
# Mandarin uses the voice "cmn-latn-pinyin", not "cmn": espeak-ng 1.51's "cmn" voice reads a
# lone 零 as "ling" followed by the tone number spoken in English ("ling two"); the pinyin voice
# reads the characters as they should be.
#
# Usage (Debian or Ubuntu):
#   apt-get install espeak-ng sox
#   scripts/captcha-voices.sh
#
# The output is repeatable for one version of espeak-ng and sox (sox runs with -R and without
# dither). After regenerating, run `cargo test -p twnhi-notify` and listen to a clip (see
# crates/twnhi-notify/assets/captcha/README.md).
set -euo pipefail

cd "$(dirname "$0")/.."
out=crates/twnhi-notify/assets/captcha

for tool in espeak-ng sox; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "captcha-voices.sh: $tool is missing (apt-get install espeak-ng sox)" >&2
        exit 1
    fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Words a minute: a little slower than espeak-ng's 175, for clarity.
speed=150
cmn=(零 一 二 三 四 五 六 七 八 九)
en=(zero one two three four five six seven eight nine)

# speak DIR VOICE DIGIT TEXT
speak() {
    local dir=$1 voice=$2 digit=$3 text=$4
    mkdir -p "$out/$dir"
    espeak-ng -v "$voice" -s "$speed" -w "$tmp/say.wav" "$text"
    # Two passes: the fade needs the length, which the silence trimming leaves unknown.
    sox -R "$tmp/say.wav" "$tmp/trim.wav" \
        highpass 80 \
        silence 1 0.01 0.5% reverse silence 1 0.01 0.5% reverse
    sox -R -D "$tmp/trim.wav" -r 8000 -c 1 -e u-law -b 8 -t raw "$out/$dir/$digit.ul" \
        fade t 0.005 -0 0.015 \
        gain -6 rate -v 8000 \
        norm -1
}

for d in 0 1 2 3 4 5 6 7 8 9; do
    speak cmn-m cmn-latn-pinyin "$d" "${cmn[$d]}"
    speak cmn-f cmn-latn-pinyin+f3 "$d" "${cmn[$d]}"
    speak en-m en-us "$d" "${en[$d]}"
    speak en-f en-us+f3 "$d" "${en[$d]}"
done

du -cb "$out"/*/*.ul | tail -n 1
