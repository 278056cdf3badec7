"""Platform adapters: WeChat official account, Telegram and the local web chat."""
