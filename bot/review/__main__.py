from bot.review.cli import main

raise SystemExit(main())
