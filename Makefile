# Convenience targets for developers; the README's two commands need none of them.

.PHONY: test fuzz corpus

test:
	python3 run.py test

# Many random mutations of a valid workbook (tests/test_fuzz.py, about 7 minutes); not part of CI.
fuzz:
	BUDGETKOPPELING_FUZZ=2000 python3 run.py test tests/test_fuzz.py -q

# Write the broken-workbook corpus (tests/corpus.py) to outputs/corpus to open the files by hand.
corpus:
	python3 run.py test --co -q tests/test_corpus.py > /dev/null
	.venv/bin/python -m tests.corpus outputs/corpus
