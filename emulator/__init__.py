"""A local, persistent emulator of Huawei Cloud IAM, MSGSMS and SMSApi."""
