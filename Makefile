# Convenience targets for developers; the README's two commands need none of them.

.PHONY: test fuzz corpus bench

test:
	python3 run.py test

# Many random mutations of a valid workbook (tests/test_fuzz.py, about 7 minutes); not part of CI.
fuzz:
	BUDGETKOPPELING_FUZZ=2000 python3 run.py test tests/test_fuzz.py -q

# Write the broken-workbook corpus (tests/corpus.py) to outputs/corpus to open the files by hand.
corpus:
	python3 run.py test --co -q tests/test_corpus.py > /dev/null
	.venv/bin/python -m tests.corpus outputs/corpus

# The performance table of the README (about 25 minutes on 2 cores; see bench/README.md).
bench:
	python3 run.py voorbeeld --stil
	.venv/bin/python bench/meet.py --uit bench/resultaat.md
