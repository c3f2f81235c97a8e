import { Message } from "../entities/message.entity"
import type { ConcreteMessage } from "./concrete-message"
import { decodeMessage } from "./decode-message"

// Messages sit above entities, so the entity cannot decode itself: this module gives `Message` its
// `toObj()` (the type through module augmentation, the method on the prototype). The package root
// imports it; so does every module of the package that calls `toObj()`.

declare module "../entities/message.entity" {
  interface Message {
    /**
     * This row's content as an instance of its registered message class (looked up by `type`, any
     * case), nested message classes restored. `messageFromObj()` goes the other way.
     *
     * @throws MessageDecodeError naming this message's id and type when the type is not registered,
     * the content is not JSON, or the JSON does not fit the class.
     *
     * @example
     * const answer = row.toObj()
     * if (answer instanceof ProjectDirectory) console.log(answer.files.map((f) => f.fileName))
     */
    toObj(): ConcreteMessage
  }
}

// Defined as a class method would be: writable, configurable, not enumerable.
Object.defineProperty(Message.prototype, "toObj", {
  value: function toObj(this: Message): ConcreteMessage {
    return decodeMessage(this)
  },
  writable: true,
  configurable: true,
  enumerable: false,
})
