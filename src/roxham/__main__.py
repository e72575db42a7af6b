"""``python -m roxham`` is the ``roxham`` command."""

from roxham.cli import main

if __name__ == "__main__":
    main()
