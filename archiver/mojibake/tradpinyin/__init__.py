"""The mirror sites' traditional + pinyin rewriting, undone (see research/seed-forensics.md)."""
